'use strict';

// Creates a project's `resources` on the local cloud's emulators, from the same CloudFormation
// that goes to AWS, and answers Ref / Fn::GetAtt / Fn::ImportValue for what it created.
// Control-plane resources (IAM, API Gateway usage plans, alarms...) have no local meaning and are skipped.

const { CreateTableCommand } = require('@aws-sdk/client-dynamodb');
const { CreateStreamCommand, DescribeStreamSummaryCommand } = require('@aws-sdk/client-kinesis');
const { CreateAliasCommand, CreateKeyCommand } = require('@aws-sdk/client-kms');
const { CreateTopicCommand, SubscribeCommand } = require('@aws-sdk/client-sns');
const { CreateQueueCommand, GetQueueAttributesCommand } = require('@aws-sdk/client-sqs');
const { render } = require('./intrinsics');
const { shardCount } = require('./stream-capacity');

/**
 * Creates one resource type on the emulators from its rendered Properties: its Ref and attributes.
 * @typedef {(clients: ReturnType<typeof import('./aws-clients').createClients>, props: any, where: { region: string, accountId: string }) => Promise<{ ref: unknown, attributes: Record<string, unknown> }>} Creator
 */

// Resources are created in this order, so that a resource can refer to any created before it.
/** @type {Record<string, Creator>} */
const CREATORS = {
  'AWS::KMS::Key': async ({ kms }, _props) => {
    const { KeyMetadata } = /** @type {Required<import('@aws-sdk/client-kms').CreateKeyCommandOutput>} */ (await kms.send(new CreateKeyCommand({ Description: _props.Description })));
    return { ref: KeyMetadata.KeyId, attributes: { Arn: KeyMetadata.Arn, KeyId: KeyMetadata.KeyId } };
  },
  'AWS::Kinesis::Stream': async ({ kinesis }, props, { region, accountId }) => {
    const name = props.Name;
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount(props) }));
    await waitFor(async () => {
      const { StreamDescriptionSummary } = /** @type {{ StreamDescriptionSummary: import('@aws-sdk/client-kinesis').StreamDescriptionSummary }} */ (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })));
      return StreamDescriptionSummary.StreamStatus === 'ACTIVE';
    }, `stream ${name} to become ACTIVE`);
    return { ref: name, attributes: { Arn: `arn:aws:kinesis:${region}:${accountId}:stream/${name}` } };
  },
  'AWS::SNS::Topic': async ({ sns }, props) => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: props.TopicName }));
    return { ref: TopicArn, attributes: { TopicArn, TopicName: props.TopicName } };
  },
  'AWS::SQS::Queue': async ({ sqs }, props) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: props.QueueName }));
    const { Attributes } = /** @type {Required<import('@aws-sdk/client-sqs').GetQueueAttributesCommandOutput>} */ (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] })));
    return { ref: QueueUrl, attributes: { Arn: Attributes.QueueArn, QueueName: props.QueueName, QueueUrl } };
  },
  'AWS::DynamoDB::Table': async ({ dynamodb }, props, { region, accountId }) => {
    const { TableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, LocalSecondaryIndexes, BillingMode, ProvisionedThroughput, StreamSpecification } = props;
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions,
        KeySchema,
        GlobalSecondaryIndexes,
        LocalSecondaryIndexes,
        BillingMode,
        ProvisionedThroughput,
        StreamSpecification,
      }),
    );
    const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${TableName}`;
    return { ref: TableName, attributes: { Arn: arn } };
  },
  'AWS::KMS::Alias': async ({ kms }, props) => {
    await kms.send(new CreateAliasCommand({ AliasName: props.AliasName, TargetKeyId: props.TargetKeyId }));
    return { ref: props.AliasName, attributes: {} };
  },
  // The MQTT broker's custom authorizers (emulators/iot.js): the broker invokes the function on connect.
  'AWS::IoT::Authorizer': async ({ iot }, props) => iot.addAuthorizer(props),
  'AWS::SNS::Subscription': async ({ sns }, props) => {
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: props.TopicArn, Protocol: props.Protocol, Endpoint: props.Endpoint, Attributes: props.RawMessageDelivery ? { RawMessageDelivery: String(props.RawMessageDelivery) } : undefined }),
    );
    return { ref: SubscriptionArn, attributes: {} };
  },
};

/** @param {() => Promise<boolean>} check @param {string} what */
async function waitFor(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * @typedef {{ type: string, ref: unknown, attributes: Record<string, unknown> }} CreatedResource
 */

/**
 * What every project's templates can see: exports by name, and each project's own resources.
 * @param {{ region: string, accountId: string }} options
 */
function createRegistry({ region, accountId }) {
  /** @type {Map<unknown, unknown>} */
  const exports = new Map();
  /** @type {Map<string, Map<string, CreatedResource>>} */
  const stacks = new Map(); // project name -> Map(logicalId -> { type, ref, attributes })
  /** @type {{ type: string, props: any }[]} */
  const created = []; // { type, props } in creation order, to create again on an emulator that lost them

  /**
   * @param {string} projectName
   * @param {string} stackName
   * @returns {import('./intrinsics').Lookup}
   */
  function lookupFor(projectName, stackName) {
    const own = stacks.get(projectName) ?? new Map();
    const find = (/** @type {string} */ logicalId) => {
      const resource = own.get(logicalId);
      if (!resource) throw new Error(`${projectName}: no resource '${logicalId}' was created locally`);
      return resource;
    };
    return {
      ref: (name) => {
        if (name === 'AWS::Region') return region;
        if (name === 'AWS::AccountId') return accountId;
        if (name === 'AWS::StackName') return stackName;
        if (name === 'AWS::Partition') return 'aws';
        if (name === 'AWS::URLSuffix') return 'amazonaws.com';
        return find(name).ref;
      },
      getAtt: (logicalId, attribute) => {
        const value = find(logicalId).attributes[attribute];
        if (value === undefined) throw new Error(`${projectName}: ${logicalId}.${attribute} is not known locally`);
        return value;
      },
      importValue: (name) => {
        if (!exports.has(name)) throw new Error(`${projectName}: no stack exports '${name}' (is the shared stack deployed first?)`);
        return exports.get(name);
      },
    };
  }

  return { exports, stacks, created, lookupFor };
}

/**
 * @typedef {object} ResourceContext
 * @property {ReturnType<typeof import('./aws-clients').createClients>} clients
 * @property {ReturnType<typeof createRegistry>} registry
 * @property {string} region
 * @property {string} accountId
 */

/**
 * Creates one project's resources and records its outputs' exports. Returns the names of skipped types.
 * @param {{ name: string }} project
 * @param {any} config its resolved serverless config
 * @param {ResourceContext} context
 * @returns {Promise<string[]>}
 */
async function createResources(project, config, { clients, registry, region, accountId }) {
  const stackName = `${config.service}-${config.provider.stage}`;
  /** @type {Map<string, CreatedResource>} */
  const own = new Map();
  registry.stacks.set(project.name, own);
  const resources = Object.entries(/** @type {Record<string, any>} */ (config.resources?.Resources ?? {}));
  const skipped = new Set();
  for (const type of Object.keys(CREATORS)) {
    for (const [logicalId, resource] of resources.filter(([, r]) => r.Type === type)) {
      const props = render(resource.Properties ?? {}, registry.lookupFor(project.name, stackName));
      const created = await /** @type {Creator} */ (CREATORS[type])(clients, props, { region, accountId });
      own.set(logicalId, { type, ...created });
      registry.created.push({ type, props });
    }
  }
  for (const [, resource] of resources) if (!CREATORS[resource.Type]) skipped.add(resource.Type);
  const lookup = registry.lookupFor(project.name, stackName);
  for (const [name, output] of Object.entries(/** @type {Record<string, any>} */ (config.resources?.Outputs ?? {}))) {
    if (!output.Export) continue;
    try {
      registry.exports.set(render(output.Export.Name, lookup), render(output.Value, lookup));
    } catch {
      // an output of something with no local counterpart (the REST API's ids, say)
      skipped.add(`Outputs.${name}`);
    }
  }
  return [...skipped];
}

/**
 * Creates again, with the same properties, every resource of `types` created so far: for an
 * emulator that was restarted empty (its streams or tables are gone; their names and ARNs are the same).
 * @param {string[]} types
 * @param {ResourceContext} context
 */
async function recreateResources(types, { clients, registry, region, accountId }) {
  for (const { type, props } of registry.created.filter((resource) => types.includes(resource.type))) {
    await /** @type {Creator} */ (CREATORS[type])(clients, props, { region, accountId });
  }
}

module.exports = { createRegistry, createResources, recreateResources, waitFor };
