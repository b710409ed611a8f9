import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SDK_CONNECT_TIMEOUT_MS, SDK_MAX_ATTEMPTS, SDK_REQUEST_TIMEOUT_MS } from './budget';

export interface SdkTimeouts {
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/**
 * What every AWS SDK v3 client of ours is made with: `new DynamoDBClient(sdkClientOptions())`.
 * A connect and a request timeout that end the call: @smithy/node-http-handler only logs a warning
 * when `requestTimeout` passes unless `throwOnRequestTimeout` is set (4.14: setRequestTimeout), and
 * a call that hangs would hold the function to Lambda's timeout. HTTP/1.1, which every local
 * emulator speaks. Endpoints and credentials still come from the environment.
 */
export function sdkClientOptions({ connectTimeoutMs = SDK_CONNECT_TIMEOUT_MS, requestTimeoutMs = SDK_REQUEST_TIMEOUT_MS, maxAttempts = SDK_MAX_ATTEMPTS }: SdkTimeouts = {}) {
  return {
    maxAttempts,
    requestHandler: new NodeHttpHandler({ connectionTimeout: Math.min(connectTimeoutMs, requestTimeoutMs), requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true }),
  };
}
