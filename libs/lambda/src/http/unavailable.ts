// Which failures of a dependency are its being unavailable (answered 503 ServiceUnavailable, a
// retry may succeed) rather than a bug of ours (500): timeouts that fired (@yubl/aws, correlatedFetch:
// TimeoutError), connections refused or cut, throttling, a config value that could not be loaded.
// Two patterns rather than lists: this runs in every function's bundle (libs/lambda's size test).
const UNAVAILABLE_NAME = /^(?:TimeoutError|ConfigUnavailableError|ThrottlingException|ProvisionedThroughputExceededException|RequestLimitExceeded|ServiceUnavailable|InternalServerError|TransactionInProgressException)$/;
const UNAVAILABLE_CODE = /^(?:ETIMEDOUT|ECONNREFUSED|ECONNRESET|EPIPE|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT|UND_ERR_SOCKET|UND_ERR_HEADERS_TIMEOUT)$/;

/** Whether `error`, or an error in its `cause` chain, says a dependency is unavailable. */
export function isUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const { name, code, cause } = current as { name?: unknown; code?: unknown; cause?: unknown };
    if (UNAVAILABLE_NAME.test(String(name)) || UNAVAILABLE_CODE.test(String(code))) return true;
    current = cause;
  }
  return false;
}
