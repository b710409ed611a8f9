// How long a function waits for what it calls: the one place these figures live (docs/design.md
// "Timeouts that fire"). An API function has 6 s (services' serverless.yml); one dependency that
// hangs must cost it well under that, so that it answers 503 in the contract's shape with its
// correlation id instead of being killed by Lambda with no body at all.

/** The timeout of the functions that answer clients (serverless.yml `timeout: 6`). */
export const API_FUNCTION_TIMEOUT_MS = 6_000;

/** AWS SDK calls: a socket within CONNECT, an answer within REQUEST, at most ATTEMPTS tries. */
export const SDK_CONNECT_TIMEOUT_MS = 500;
export const SDK_REQUEST_TIMEOUT_MS = 1_200;
export const SDK_MAX_ATTEMPTS = 2;
/** the SDK's standard retry waits at most this long between two attempts (its base delay, 100 ms, with jitter) */
export const SDK_RETRY_DELAY_MS = 100;

/** An HTTP call to another service (correlatedFetch): connecting and answering within this, in all. */
export const HTTP_CALL_TIMEOUT_MS = 2_000;
/** The same for a background function (distribute-yubl reading followers: 60 s a batch). */
export const BACKGROUND_HTTP_CALL_TIMEOUT_MS = 5_000;
/** a publish after a commit (the outbox): one attempt, then the relay's */
export const PUBLISH_AFTER_COMMIT_MS = 800;

/** The longest one SDK call can take before it fails: every attempt timing out, and the pauses between. */
export const worstSdkCallMs = (attempts = SDK_MAX_ATTEMPTS, requestMs = SDK_REQUEST_TIMEOUT_MS): number => attempts * requestMs + (attempts - 1) * SDK_RETRY_DELAY_MS;
