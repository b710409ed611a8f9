export { eventually, type EventuallyOptions } from './eventually';
export { localCloud, localClientConfig, localCloudStateDir, startLocalCloud, localCloudCli, useLocalCloudEnvironment, localCloudLog, localJwtSecret, type LocalCloudEndpoints, type LocalAwsService, type StartedCloud } from './local-cloud';
export * from './events';
export { captureLogs, type CapturedLogs } from './logs';
export { logMatchers } from './matchers';
export { invokeInLambdaRuntime, type RuntimeReport } from './lambda-runtime';
export { weCall, weDeliver, testMode, type TestMode, type HttpEndpoint, type HttpCall, type HttpAnswer, type KinesisConsumer } from './when';
export { aUser, bearer, follows, posts, type TestUser } from './users';
export { fuzzEndpoint, type FuzzOptions } from './fuzz';
