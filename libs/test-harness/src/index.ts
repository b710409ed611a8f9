export { eventually, type EventuallyOptions } from './eventually';
export { localCloud, localClientConfig, localCloudStateDir, type LocalCloudEndpoints } from './local-cloud';
