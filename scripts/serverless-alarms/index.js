'use strict';

// A Serverless Framework plugin, listed in a service's `plugins`: adds that project's alarms (and,
// with `custom.alarms.dashboard: true`, the stage's dashboard) to its `resources`, so that every
// project declares the alarms of its own functions and queues without copying them by hand.
// Added on `initialize`, before any command runs, so that `serverless print` shows them too (the
// local cloud lists them among the resources it skips). What they are: alarms.js.
//
// custom.alarms (all optional): latencyP99Ms, api5xxPerMinute, iteratorAgeMs, dashboard,
// functionErrors: [names of functions with no event source whose errors page someone].

const { alarmResources, dashboardResource } = require('./alarms');

// Functions whose failure no caller sees: Lambda's Errors is the only trace of it.
const UNWATCHED_SOURCES = ['stream', 'sns', 'sqs', 'schedule', 'eventBridge'];

class AlarmsPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { initialize: () => this.addAlarms() };
  }

  addAlarms() {
    const { service: config } = this.serverless;
    const provider = this.serverless.getProvider('aws');
    const settings = config.custom?.alarms ?? {};
    const keys = config.getAllFunctions();
    const eventsOf = (key) => (config.getFunction(key).events ?? []).map((event) => Object.keys(event)[0]);
    const ownsRestApi = keys.some((key) => eventsOf(key).includes('http')) && !config.provider.apiGateway?.restApiId;
    const functions = keys.map((key) => ({
      logicalId: provider.naming.getNormalizedFunctionName(key),
      name: config.getFunction(key).name,
      stream: eventsOf(key).includes('stream'),
      errors: eventsOf(key).some((source) => UNWATCHED_SOURCES.includes(source)) || (settings.functionErrors ?? []).includes(key),
    }));
    if (!config.resources) config.resources = {};
    if (!config.resources.Resources) config.resources.Resources = {};
    const resources = config.resources.Resources;
    const queues = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::SQS::Queue')
      .map(([logicalId, resource]) => ({ logicalId, name: typeof resource.Properties?.QueueName === 'string' ? resource.Properties.QueueName : undefined }));
    const stage = provider.getStage();
    Object.assign(
      resources,
      alarmResources({ service: config.service, stage, apiName: ownsRestApi ? provider.naming.getApiGatewayName() : undefined, functions, queues, settings }),
      settings.dashboard ? dashboardResource({ stage, region: provider.getRegion() }) : {},
    );
  }
}

module.exports = AlarmsPlugin;
