'use strict';

// What one function's role allows: its own log group, what its event sources and destinations need
// (the framework grants those to the service's shared role, so they are derived here again, per
// function), and the statements the function declares as `iamRoleStatements`. Plain values in and
// out; index.js puts them in the template.

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
};

class UnsupportedFunctionSettingError extends Error {
  constructor(functionKey, setting) {
    super(`serverless-iam-per-function: function '${functionKey}' uses ${setting}, whose permissions this plugin does not grant yet; add them here first`);
    this.name = 'UnsupportedFunctionSettingError';
  }
}

const arnOf = (target) => (typeof target === 'object' && target !== null && !target['Fn::GetAtt'] && !target['Fn::ImportValue'] && !target['Fn::Sub'] && !target.Ref && target.arn ? target.arn : target);

// The service an ARN names, for a destination given as a plain ARN string.
const serviceOfArn = (arn) => (typeof arn === 'string' && arn.startsWith('arn:') ? arn.split(':')[2] : undefined);

const SEND_TO = {
  sqs: ['sqs:SendMessage'],
  sns: ['sns:Publish'],
  function: ['lambda:InvokeFunction'],
  lambda: ['lambda:InvokeFunction'],
  eventBus: ['events:PutEvents'],
  events: ['events:PutEvents'],
};

function sendStatement(functionKey, destination, setting) {
  const type = (typeof destination === 'object' && destination.type) || serviceOfArn(arnOf(destination));
  const actions = SEND_TO[type];
  if (!actions) throw new UnsupportedFunctionSettingError(functionKey, `${setting} of type ${JSON.stringify(type ?? destination)} (give it as { type, arn })`);
  return { Effect: 'Allow', Action: actions, Resource: arnOf(destination) };
}

// Lambda reads a stream with these; each takes the stream's ARN (ListStreams takes only "*" and the
// event source mapping does not need it).
const STREAM_READ = {
  kinesis: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
  dynamodb: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
};

function eventStatements(functionKey, fn) {
  const statements = [];
  for (const event of fn.events ?? []) {
    const [source] = Object.keys(event);
    const spec = event[source];
    if (source === 'stream') {
      const arn = typeof spec === 'object' && !spec['Fn::GetAtt'] && !spec['Fn::ImportValue'] ? spec.arn : spec;
      const type = (typeof spec === 'object' && spec.type) || serviceOfArn(arn);
      if (!STREAM_READ[type]) throw new UnsupportedFunctionSettingError(functionKey, `a stream of type ${type}`);
      if (spec.consumer) throw new UnsupportedFunctionSettingError(functionKey, 'an enhanced fan-out consumer');
      statements.push({ Effect: 'Allow', Action: STREAM_READ[type], Resource: arn });
      const onFailure = spec.destinations?.onFailure;
      if (onFailure) statements.push(sendStatement(functionKey, onFailure, 'a stream on-failure destination'));
    } else if (source === 'sqs') {
      statements.push({ Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], Resource: arnOf(spec) });
    } else if (['msk', 'kafka', 'activemq', 'rabbitmq', 'iotFleetProvisioning'].includes(source)) {
      throw new UnsupportedFunctionSettingError(functionKey, `a ${source} event`);
    }
    // http, httpApi, schedule, sns, eventBridge, cloudwatchLog, s3, ...: the source invokes the
    // function through a resource-based permission; the function's role needs nothing for it.
  }
  for (const [when, destination] of Object.entries(fn.destinations ?? {})) {
    if (destination) statements.push(sendStatement(functionKey, destination, `destinations.${when}`));
  }
  if (fn.onError) statements.push(sendStatement(functionKey, fn.onError, 'onError'));
  return statements;
}

/**
 * The role of one function, as a CloudFormation resource. No RoleName: CloudFormation names it
 * (unique per stack and region, never over IAM's 64 characters).
 */
function functionRole({ functionKey, fn, logGroupName, policyName, tracing }) {
  if (fn.vpc && Object.keys(fn.vpc).length > 0) throw new UnsupportedFunctionSettingError(functionKey, 'a VPC');
  if (fn.role) throw new UnsupportedFunctionSettingError(functionKey, "a 'role' of its own next to iamRoleStatements");
  const statements = [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${logGroupName}:*` },
    },
    ...eventStatements(functionKey, fn),
    ...(tracing ? [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }] : []),
    ...fn.iamRoleStatements,
  ];
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: LAMBDA_TRUST,
      Path: '/',
      Policies: [{ PolicyName: policyName, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
}

module.exports = { functionRole, eventStatements, UnsupportedFunctionSettingError };
