'use strict';

// A Serverless Framework plugin, listed in a service's `plugins` before serverless-tags: every
// function gets a role of its own, allowing what roles.js says (its log group, its event sources
// and destinations, and the `iamRoleStatements` it declares), and the service's shared role
// (IamRoleLambdaExecution) leaves the template. README.md says why not serverless-iam-roles-per-function.

const { functionRole } = require('./roles');

const SHARED_ROLE = 'IamRoleLambdaExecution';

class MissingStatementsError extends Error {
  constructor(message) {
    super(`serverless-iam-per-function: ${message}`);
    this.name = 'MissingStatementsError';
  }
}

class IamPerFunctionPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    serverless.configSchemaHandler?.defineFunctionProperties('aws', {
      properties: { iamRoleStatements: { $ref: '#/definitions/awsIamPolicyStatements' } },
    });
    // After the `resources` of serverless.yml are merged, so that none of them is left pointing at the shared role.
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.giveEachFunctionItsRole() };
  }

  giveEachFunctionItsRole() {
    const { service: config } = this.serverless;
    const provider = this.serverless.getProvider('aws');
    const { naming } = provider;
    if ((config.provider.iam?.role?.statements ?? config.provider.iamRoleStatements ?? []).length > 0) {
      throw new MissingStatementsError('provider.iam.role.statements would be shared by every function: declare iamRoleStatements on each function instead');
    }
    const resources = config.provider.compiledCloudFormationTemplate.Resources;
    const roleOfFunction = new Map(); // function logical id -> role logical id
    for (const functionKey of config.getAllFunctions()) {
      const fn = config.getFunction(functionKey);
      // A function that names a role of its own keeps it: serverless-plugin-warmup's warmer, whose
      // role scripts/serverless-release writes (its log group and the aliases it warms, nothing else).
      if (fn.role) continue;
      if (!Array.isArray(fn.iamRoleStatements)) {
        throw new MissingStatementsError(`function '${functionKey}' declares no iamRoleStatements (write [] if it calls no AWS API)`);
      }
      const roleId = `${naming.getNormalizedFunctionName(functionKey)}IamRole`;
      resources[roleId] = functionRole({
        functionKey,
        fn,
        logGroupName: naming.getLogGroupName(fn.name),
        policyName: `${config.service}-${provider.getStage()}-${functionKey}`,
        tracing: Boolean(fn.tracing ?? config.provider.tracing?.lambda),
      });
      const functionId = naming.getLambdaLogicalId(functionKey);
      const lambda = resources[functionId];
      lambda.Properties.Role = { 'Fn::GetAtt': [roleId, 'Arn'] };
      lambda.DependsOn = [...new Set([...[].concat(lambda.DependsOn ?? []).filter((id) => id !== SHARED_ROLE), roleId])];
      roleOfFunction.set(functionId, roleId);
    }
    // Event source mappings wait for the role that reads the source (the framework made them wait for the shared one).
    for (const [id, resource] of Object.entries(resources)) {
      const dependsOn = [].concat(resource.DependsOn ?? []);
      if (!dependsOn.includes(SHARED_ROLE)) continue;
      const target = resource.Properties?.FunctionName?.['Fn::GetAtt']?.[0] ?? resource.Properties?.FunctionName?.Ref;
      if (!roleOfFunction.has(target)) throw new MissingStatementsError(`${id} waits for the shared role and names no function of this service`);
      resource.DependsOn = dependsOn.map((dependency) => (dependency === SHARED_ROLE ? roleOfFunction.get(target) : dependency));
    }
    delete resources[SHARED_ROLE];
    const leftOver = Object.entries(resources).filter(([, resource]) => JSON.stringify(resource).includes(`"${SHARED_ROLE}"`));
    if (leftOver.length > 0) throw new MissingStatementsError(`${leftOver.map(([id]) => id).join(', ')} still refer to ${SHARED_ROLE}`);
  }
}

module.exports = IamPerFunctionPlugin;
