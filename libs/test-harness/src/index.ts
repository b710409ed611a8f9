export { eventually, type EventuallyOptions } from './eventually';
export { localCloud, localClientConfig, localCloudStateDir, type LocalCloudEndpoints } from './local-cloud';
export * from './events';
export { captureLogs, type CapturedLogs } from './logs';
export { logMatchers } from './matchers';
export { invokeInLambdaRuntime, type RuntimeReport } from './lambda-runtime';
