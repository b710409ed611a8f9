// eslint-disable-next-line @typescript-eslint/no-require-imports
const { alarmResources, dashboardBody } = require('../../alarms');

const project = {
  service: 'feed',
  stage: 'dev',
  apiName: 'dev-feed',
  functions: [
    { logicalId: 'GetDashfeed', name: 'feed-dev-get-feed', stream: false, errors: false },
    { logicalId: 'DistributeDashyubl', name: 'feed-dev-distribute-yubl', stream: true, errors: true },
    { logicalId: 'AddDashtoDashfeed', name: 'feed-dev-add-to-feed', stream: false, errors: true },
  ],
  queues: [{ logicalId: 'DistributeFailuresQueue', name: 'feed-distribute-failures-dev' }],
};

const props = (resources: Record<string, any>) =>
  Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, [r.Properties.Namespace, r.Properties.MetricName, r.Properties.Statistic ?? r.Properties.ExtendedStatistic, r.Properties.Threshold]]));

describe('the alarms of a project', () => {
  it('cover its API (5xx, p99 latency), stream consumers (iterator age), unwatched functions (errors) and queues (any message)', () => {
    expect(props(alarmResources(project))).toEqual({
      ApiGateway5xxAlarm: ['AWS/ApiGateway', '5XXError', 'Sum', 1],
      ApiGatewayLatencyP99Alarm: ['AWS/ApiGateway', 'Latency', 'p99', 1000],
      DistributeDashyublIteratorAgeAlarm: ['AWS/Lambda', 'IteratorAge', 'Maximum', 60000],
      DistributeDashyublErrorsAlarm: ['AWS/Lambda', 'Errors', 'Sum', 1],
      AddDashtoDashfeedErrorsAlarm: ['AWS/Lambda', 'Errors', 'Sum', 1],
      DistributeFailuresQueueMessagesAlarm: ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 1],
    });
  });

  it("act on the stage's alerts topic and name what they watch", () => {
    const resources = alarmResources(project);
    for (const alarm of Object.values<any>(resources)) {
      expect(alarm.Properties.AlarmActions).toEqual([{ 'Fn::ImportValue': 'yubl-dev-AlertsTopicArn' }]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
    expect(resources.ApiGateway5xxAlarm.Properties.Dimensions).toEqual([{ Name: 'ApiName', Value: 'dev-feed' }]);
    expect(resources.DistributeFailuresQueueMessagesAlarm.Properties.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DistributeFailuresQueue', 'QueueName'] } }]);
    expect(resources.DistributeFailuresQueueMessagesAlarm.Properties.AlarmName).toBe('feed-distribute-failures-dev-messages');
  });

  it('leave out the API alarms for a project on another project’s API, and take thresholds from settings', () => {
    const resources = alarmResources({ ...project, apiName: undefined, settings: { iteratorAgeMs: 5000 } });
    expect(Object.keys(resources)).not.toContain('ApiGateway5xxAlarm');
    expect(resources.DistributeDashyublIteratorAgeAlarm.Properties.Threshold).toBe(5000);
  });
});

describe('the dashboard', () => {
  it("searches the stage's figures: API 5xx and latency, iterator age, errors, queues", () => {
    const body = JSON.parse(dashboardBody({ stage: 'prod', region: 'eu-west-1' }));
    const expressions = body.widgets.map((w: any) => w.properties.metrics[0][0].expression);
    expect(expressions).toEqual(
      expect.arrayContaining([
        `SEARCH('{AWS/ApiGateway,ApiName} MetricName="5XXError" ApiName=prod', 'Sum', 60)`,
        `SEARCH('{AWS/ApiGateway,ApiName} MetricName="Latency" ApiName=prod', 'p99', 60)`,
        `SEARCH('{AWS/Lambda,FunctionName} MetricName="IteratorAge" FunctionName=prod', 'Maximum', 60)`,
        `SEARCH('{AWS/SQS,QueueName} MetricName="ApproximateNumberOfMessagesVisible" QueueName=prod', 'Maximum', 60)`,
      ]),
    );
    expect(body.widgets.every((w: any) => w.properties.region === 'eu-west-1')).toBe(true);
  });
});
