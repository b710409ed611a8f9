export * from './budget';
export { sdkClientOptions, type SdkTimeouts } from './sdk-options';
