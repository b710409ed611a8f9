'use strict';

// The stage's alarms and dashboard as CloudFormation, from a plain description of one project
// (its REST API, its functions and their kinds, its queues). Pure: index.js (the plugin) gathers the
// description from the framework and adds what this returns to the project's resources.
//
// Per project:
// - its REST API: 5xx responses and p99 latency (API Gateway's view: the wrapper answers a 500
//   without the function failing, so Lambda's Errors would never see it);
// - each stream consumer: IteratorAge (how far behind the stream it reads);
// - each function that runs without a caller to see it fail (streams, SNS, schedules, EventBridge,
//   and any named in custom.alarms.functionErrors): Errors;
// - each queue (dead-letter and on-failure): any message visible.
// Every action goes to the shared stack's alerts topic.

const DEFAULTS = { latencyP99Ms: 1000, api5xxPerMinute: 1, iteratorAgeMs: 60_000 };

const alertsTopic = (stage) => ({ 'Fn::ImportValue': `yubl-${stage}-AlertsTopicArn` });

function alarm({ stage, name, description, namespace, metric, dimensions, statistic, threshold, period = 60, evaluationPeriods = 1 }) {
  const percentile = /^p\d+(\.\d+)?$/.test(statistic);
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: name,
      AlarmDescription: description,
      Namespace: namespace,
      MetricName: metric,
      Dimensions: dimensions,
      ...(percentile ? { ExtendedStatistic: statistic } : { Statistic: statistic }),
      Period: period,
      EvaluationPeriods: evaluationPeriods,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      // No data is no traffic, not trouble.
      TreatMissingData: 'notBreaching',
      AlarmActions: [alertsTopic(stage)],
      OKActions: [alertsTopic(stage)],
    },
  };
}

/**
 * @param {object} project
 * @param {string} project.service
 * @param {string} project.stage
 * @param {string} [project.apiName] the REST API's name, when the project owns one
 * @param {{logicalId: string, name: string, stream: boolean, errors: boolean}[]} project.functions
 * @param {{logicalId: string, name?: string}[]} project.queues
 * @param {Partial<typeof DEFAULTS>} [project.settings]
 * @returns {Record<string, object>} CloudFormation resources by logical id
 */
function alarmResources({ service, stage, apiName, functions, queues, settings = {} }) {
  const { latencyP99Ms, api5xxPerMinute, iteratorAgeMs } = { ...DEFAULTS, ...settings };
  const resources = {};
  if (apiName) {
    const dimensions = [{ Name: 'ApiName', Value: apiName }];
    resources.ApiGateway5xxAlarm = alarm({
      stage, name: `${service}-${stage}-api-5xx`, description: `${apiName}: 5xx responses`,
      namespace: 'AWS/ApiGateway', metric: '5XXError', dimensions, statistic: 'Sum', threshold: api5xxPerMinute,
    });
    resources.ApiGatewayLatencyP99Alarm = alarm({
      stage, name: `${service}-${stage}-api-latency-p99`, description: `${apiName}: p99 latency over ${latencyP99Ms} ms for 5 minutes`,
      namespace: 'AWS/ApiGateway', metric: 'Latency', dimensions, statistic: 'p99', threshold: latencyP99Ms, period: 300,
    });
  }
  for (const fn of functions) {
    const dimensions = [{ Name: 'FunctionName', Value: fn.name }];
    if (fn.stream) {
      resources[`${fn.logicalId}IteratorAgeAlarm`] = alarm({
        stage, name: `${fn.name}-iterator-age`, description: `${fn.name} reads its stream over ${iteratorAgeMs} ms behind`,
        namespace: 'AWS/Lambda', metric: 'IteratorAge', dimensions, statistic: 'Maximum', threshold: iteratorAgeMs, evaluationPeriods: 3,
      });
    }
    if (fn.errors) {
      resources[`${fn.logicalId}ErrorsAlarm`] = alarm({
        stage, name: `${fn.name}-errors`, description: `${fn.name} failed`,
        namespace: 'AWS/Lambda', metric: 'Errors', dimensions, statistic: 'Sum', threshold: 1,
      });
    }
  }
  for (const queue of queues) {
    resources[`${queue.logicalId}MessagesAlarm`] = alarm({
      stage, name: `${queue.name ?? `${service}-${stage}-${queue.logicalId}`}-messages`, description: `${queue.name ?? queue.logicalId} holds a message: something failed for good`,
      namespace: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible',
      dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue.logicalId, 'QueueName'] } }], statistic: 'Maximum', threshold: 1,
    });
  }
  return resources;
}

// The dashboard finds the stage's figures by search, so that it needs no list of services and a
// new one shows up on its own. Names carry the stage as a word (`feed-dev-add-to-feed`,
// `dev-feed`, `feed-add-failures-dev`): an unquoted term matches a whole word of a name.
function searchWidget(title, expression, statistic, x, y) {
  return {
    type: 'metric',
    x, y, width: 12, height: 6,
    properties: { title, view: 'timeSeries', stacked: false, period: 60, metrics: [[{ expression: `SEARCH('${expression}', '${statistic}', 60)`, id: 'e1', label: '' }]] },
  };
}

/** The stage's dashboard body (a JSON string, as AWS::CloudWatch::Dashboard takes it). */
function dashboardBody({ stage, region }) {
  const widgets = [
    searchWidget('API 5xx', `{AWS/ApiGateway,ApiName} MetricName="5XXError" ApiName=${stage}`, 'Sum', 0, 0),
    searchWidget('API latency p99 (ms)', `{AWS/ApiGateway,ApiName} MetricName="Latency" ApiName=${stage}`, 'p99', 12, 0),
    searchWidget('Stream consumers: iterator age (ms)', `{AWS/Lambda,FunctionName} MetricName="IteratorAge" FunctionName=${stage}`, 'Maximum', 0, 6),
    searchWidget('Function errors', `{AWS/Lambda,FunctionName} MetricName="Errors" FunctionName=${stage}`, 'Sum', 12, 6),
    searchWidget('Dead-letter and on-failure queues: messages', `{AWS/SQS,QueueName} MetricName="ApproximateNumberOfMessagesVisible" QueueName=${stage}`, 'Maximum', 0, 12),
    searchWidget('Cold starts (from REPORT lines)', `{yubl/${stage},function} MetricName="ColdStart"`, 'Sum', 12, 12),
  ];
  return JSON.stringify({ start: '-PT6H', periodOverride: 'inherit', widgets: widgets.map((w) => ({ ...w, properties: { ...w.properties, region } })) });
}

function dashboardResource({ stage, region }) {
  return {
    StageDashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: { DashboardName: `yubl-${stage}`, DashboardBody: dashboardBody({ stage, region }) },
    },
  };
}

module.exports = { alarmResources, dashboardBody, dashboardResource, DEFAULTS };
