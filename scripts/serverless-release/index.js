'use strict';

// A Serverless Framework plugin, listed in a service's `plugins` after serverless-esbuild and before
// serverless-plugin-canary-deployments, for what a release needs beyond the framework:
//
// 1. Promote the bytes that were built: with YUBL_RELEASE_ARTIFACT naming an artifact directory
//    (./build.sh promote sets it; artifact.js), every function is pinned to that artifact's zip
//    once the zip's SHA-256 matches the manifest, and esbuild builds nothing. A function the
//    manifest does not know, or a zip that differs, stops the command with the reason.
// 2. Canary releases in the stages of CANARY_STAGES: every API function (an `http` event) gets the
//    deployment settings serverless-plugin-canary-deployments reads (alias `live`, CodeDeploy's
//    traffic shifting, the project's `pre-traffic` hook, the alarms that roll it back); the
//    project's hook is told each new version's ARN; CodeDeploy gets a role that may invoke that
//    hook and nothing else of Lambda's (the canary plugin's own role holds AWSLambda_FullAccess).
//
// Why by hand: the canary plugin needs these settings per function and the alarm on the new
// version needs the version's logical id, which exists only once the functions are compiled.

const path = require('node:path');
const { ArtifactError, verifyArtifact } = require('./artifact');

const CANARY_STAGES = ['staging', 'prod'];
// CodeDeploy's predefined configurations (CodeDeployDefault.Lambda<type>): 10 % for five minutes,
// then the rest, in prod; everything at once, still behind the hook and the alarms, in staging.
const TRAFFIC_SHIFTING = { prod: 'Canary10Percent5Minutes', staging: 'AllAtOnce' };
const ALIAS = 'live';
const HOOK = 'pre-traffic';
// Functions serverless-plugin-warmup adds: generated per stage (the names of the stage's functions
// are in their code), so built at every promote rather than kept in the artifact.
const isGenerated = (key) => key.startsWith('warmUpPlugin');

class ReleasePlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.provider = serverless.getProvider('aws');
    this.pinned = new Map();
    this.hooks = {
      initialize: () => {
        this.pinToArtifact();
        this.addCanarySettings();
      },
      // serverless-esbuild, packing the functions it still builds (the warmer), points every
      // function at its own output folder: the pinned ones go back to the stored zips.
      'after:package:createDeploymentArtifacts': () => this.repin(),
      'before:aws:package:finalize:mergeCustomProviderResources': () => {
        this.addCanaryResources();
        this.addWarmerRole();
      },
      // Once every function has its own role (scripts/serverless-iam-per-function, which runs after
      // the resources are merged), the hook's role gets what the hook does.
      'before:aws:package:finalize:saveServiceState': () => this.grantHookItsCalls(),
    };
  }

  get apiFunctions() {
    const { service } = this.serverless;
    return service.getAllFunctions().filter((key) => (service.getFunction(key).events ?? []).some((event) => event.http));
  }

  get canary() {
    return CANARY_STAGES.includes(this.provider.getStage()) && this.apiFunctions.length > 0;
  }

  pinToArtifact() {
    const dir = process.env.YUBL_RELEASE_ARTIFACT;
    if (!dir) return;
    const { service } = this.serverless;
    let manifest;
    try {
      manifest = verifyArtifact(dir);
    } catch (error) {
      throw new this.serverless.classes.Error(error.message, { cause: error });
    }
    const byFunction = new Map(Object.entries(manifest.zips).map(([zip, entry]) => [entry.function, zip]));
    for (const key of service.getAllFunctions().filter((k) => !isGenerated(k))) {
      const zip = byFunction.get(key);
      if (!zip) {
        const error = new ArtifactError(`the artifact at ${dir} (commit ${manifest.commit}) has no zip for function '${key}': it was built from other sources`);
        throw new this.serverless.classes.Error(error.message, { cause: error });
      }
      const fn = service.getFunction(key);
      fn.package = { ...fn.package, artifact: path.resolve(dir, zip) };
      fn.skipEsbuild = true; // serverless-esbuild leaves it alone; the framework deploys the zip as it is
      this.pinned.set(key, fn.package.artifact);
    }
  }

  repin() {
    for (const [key, artifact] of this.pinned) this.serverless.service.getFunction(key).package.artifact = artifact;
  }

  addCanarySettings() {
    if (!this.canary) return;
    const { service } = this.serverless;
    if (!service.getAllFunctions().includes(HOOK)) {
      throw new this.serverless.classes.Error(`${service.service}: API functions deploy by canary in ${CANARY_STAGES.join(' and ')}, and need a '${HOOK}' function to smoke-test the new versions`);
    }
    const stage = this.provider.getStage();
    const apiAlarm = service.custom?.release?.apiAlarm ?? `${service.service}-${stage}-api-5xx`;
    service.custom = service.custom ?? {};
    service.custom.deploymentSettings = {
      ...service.custom.deploymentSettings,
      stages: CANARY_STAGES,
      codeDeployRole: { 'Fn::GetAtt': ['ReleaseCodeDeployRole', 'Arn'] },
    };
    for (const key of this.apiFunctions) {
      service.getFunction(key).deploymentSettings = {
        type: TRAFFIC_SHIFTING[stage],
        alias: ALIAS,
        preTrafficHook: HOOK,
        // The REST API's 5xx alarm (scripts/serverless-alarms, by name: relationships' routes are on
        // users' API) and this function's new version's errors (added below).
        alarms: [{ name: apiAlarm }, this.newVersionErrorsAlarmId(key)],
      };
    }
  }

  // As serverless-plugin-canary-deployments names its application and each function's group.
  deploymentGroupArn(key) {
    const { naming } = this.provider;
    const stack = naming.getStackName();
    const application = `${naming.normalizeNameToAlphaNumericOnly(stack)}DeploymentApplication`;
    const group = `${stack}-${naming.getLambdaLogicalId(key)}DeploymentGroup`.slice(0, 100);
    return { 'Fn::Sub': `arn:aws:codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:\${${application}}/${group}` };
  }

  newVersionErrorsAlarmId(key) {
    return `${this.provider.naming.getLambdaLogicalId(key)}NewVersionErrorsAlarm`;
  }

  addCanaryResources() {
    if (!this.canary) return;
    const { service } = this.serverless;
    const stage = this.provider.getStage();
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const hook = resources[this.provider.naming.getLambdaLogicalId(HOOK)];
    const alertsTopic = { 'Fn::ImportValue': `yubl-${stage}-AlertsTopicArn` };
    const targets = [];
    for (const key of this.apiFunctions) {
      const fn = service.getFunction(key);
      const version = fn.versionLogicalId;
      const { method, path: route } = fn.events.find((event) => event.http).http;
      targets.push({ function: key, method: method.toUpperCase(), route, version: { Ref: version } });
      // Lambda's Errors of this function's new version alone (ExecutedVersion), through the alias.
      resources[this.newVersionErrorsAlarmId(key)] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${fn.name}-new-version-errors`,
          AlarmDescription: `${fn.name}: the version being released failed (CodeDeploy rolls it back)`,
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [
            { Name: 'FunctionName', Value: fn.name },
            { Name: 'Resource', Value: `${fn.name}:${ALIAS}` },
            { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [version, 'Version'] } },
          ],
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [alertsTopic],
        },
      };
    }
    // The hook smoke-tests every new version of the project (src/handlers/pre-traffic.ts).
    hook.Properties.Environment = hook.Properties.Environment ?? { Variables: {} };
    hook.Properties.Environment.Variables.SMOKE_TEST_TARGETS = {
      'Fn::Join': ['', ['[', { 'Fn::Join': [',', targets.map((t) => ({ 'Fn::Join': ['', [`{"function":"${t.function}","method":"${t.method}","route":"${t.route}","version":"`, t.version, '"}']] }))] }, ']']],
    };
    // The hook may invoke the new versions it tests and report on its deployment groups, nothing more
    // (granted by grantHookItsCalls, once the hook has its own role).
    this.hookStatements = [
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: targets.map((t) => t.version) },
      { Effect: 'Allow', Action: ['codedeploy:PutLifecycleEventHookExecutionStatus'], Resource: this.apiFunctions.map((key) => this.deploymentGroupArn(key)) },
    ];
    const hookName = service.getFunction(HOOK).name;
    resources.ReleaseCodeDeployRole = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: ['codedeploy.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
        },
        // Shifts the aliases' weights and reads the alarms; invokes only hooks named CodeDeployHook_*.
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited'],
        Policies: [
          {
            PolicyName: 'invoke-pre-traffic-hook',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: { 'Fn::Sub': `arn:aws:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${hookName}` } }],
            },
          },
        ],
      },
    };
  }

  grantHookItsCalls() {
    if (!this.hookStatements) return;
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const hook = resources[this.provider.naming.getLambdaLogicalId(HOOK)];
    const roleId = hook.Properties.Role?.['Fn::GetAtt']?.[0];
    if (roleId === this.provider.naming.getRoleLogicalId()) {
      throw new Error(`serverless-release: the ${HOOK} hook shares the service's role; list serverless-iam-per-function in plugins`);
    }
    resources[roleId].Properties.Policies[0].PolicyDocument.Statement.push(...this.hookStatements);
  }

  // serverless-plugin-warmup's warmer, given this role by custom.warmup (services/common.yml): its
  // own log group, and the `live` alias of the functions it warms.
  addWarmerRole() {
    const { service } = this.serverless;
    const warmer = service.getAllFunctions().find(isGenerated);
    const warmed = service.getAllFunctions().filter((key) => !isGenerated(key) && this.warms(key));
    if (!warmer || warmed.length === 0) return;
    const { name } = service.getFunction(warmer);
    const arn = (suffix) => ({ 'Fn::Sub': `arn:aws:${suffix}` });
    service.provider.compiledCloudFormationTemplate.Resources.ReleaseWarmerRole = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
        },
        Policies: [
          {
            PolicyName: 'warm-api-functions',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arn(`logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${name}:*`) },
                { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: warmed.map((key) => arn(`lambda:\${AWS::Region}:\${AWS::AccountId}:function:${service.getFunction(key).name}:${ALIAS}`)) },
              ],
            },
          },
        ],
      },
    };
  }

  warms(key) {
    const enabled = this.serverless.service.getFunction(key).warmup?.default?.enabled;
    const stage = this.provider.getStage();
    return enabled === true || enabled === stage || (Array.isArray(enabled) && enabled.includes(stage));
  }
}

module.exports = ReleasePlugin;
module.exports.CANARY_STAGES = CANARY_STAGES;
module.exports.TRAFFIC_SHIFTING = TRAFFIC_SHIFTING;
module.exports.isGenerated = isGenerated;
