import type { Context } from 'aws-lambda';
import type { CorrelationContext } from '../context';
import type { CorrelationSettings } from '../settings';

export const CORRELATION_ID = 'x-correlation-id';
export const DEBUG_LOG_ENABLED = 'debug-log-enabled';
export const CALL_CHAIN_LENGTH = 'call-chain-length';
const PREFIX = 'x-correlation-';
const USER_AGENT = 'user-agent';
// An id is for finding log lines, not for carrying payloads: longer values are cut.
const MAX_VALUE_LENGTH = 256;
const MAX_IDS = 20;

const lambdaInfo = (context: Partial<Context> | undefined) => ({
  awsRequestId: typeof context?.awsRequestId === 'string' ? context.awsRequestId : '',
  functionName: typeof context?.functionName === 'string' ? context.functionName : (process.env.AWS_LAMBDA_FUNCTION_NAME ?? ''),
  functionVersion: typeof context?.functionVersion === 'string' ? context.functionVersion : (process.env.AWS_LAMBDA_FUNCTION_VERSION ?? ''),
});

/**
 * Builds a context from whatever carried the ids (HTTP headers, a record's `__context__`,
 * message attributes already flattened to strings). Never throws: anything unexpected is ignored.
 * `fallbackId` becomes the x-correlation-id when none came with the event.
 */
export function buildContext(
  carried: Record<string, unknown> | undefined,
  fallbackId: string,
  context: Partial<Context> | undefined,
  settings: CorrelationSettings,
  /** how an id's value reads (HTTP headers: fromHeaderValue); JSON carriers hold the characters */
  readId: (value: string) => string = String,
): CorrelationContext {
  const ids: Record<string, string> = {};
  let debug: boolean | undefined;
  let chain = 0;
  let count = 0;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: for-in over null, undefined or a primitive yields no x-correlation-* name (a string yields only its indexes)
  if (carried !== null && typeof carried === 'object') {
    for (const name in carried) {
      const value = carried[name];
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
      const key = name.toLowerCase();
      if (key.startsWith(PREFIX) || key === USER_AGENT) {
        if (count < MAX_IDS) {
          ids[key] = cut(key === USER_AGENT ? String(value) : readId(String(value)));
          count += 1;
        }
      } else if (key === DEBUG_LOG_ENABLED) {
        debug = String(value) === 'true';
      } else if (key === CALL_CHAIN_LENGTH) {
        const parsed = Number.parseInt(String(value), 10);
        // Stryker disable next-line EqualityOperator: a length of 0 is taken as "none" by `chain || 1` below
        if (parsed > 0) chain = parsed;
      }
    }
  }
  if (!ids[CORRELATION_ID]) ids[CORRELATION_ID] = fallbackId || lambdaInfo(context).awsRequestId || randomId();
  return {
    ids,
    // Sampled once at the first hop; every later hop honours what it was told.
    // Stryker disable next-line EqualityOperator: Math.random() equal to the rate has probability zero
    debugEnabled: debug ?? Math.random() < settings.debugSampleRate,
    callChainLength: chain || 1,
    ...lambdaInfo(context),
    memo: {},
  };
}

/** At most MAX_VALUE_LENGTH characters, never half of a surrogate pair. */
function cut(value: string): string {
  if (value.length <= MAX_VALUE_LENGTH) return value;
  const end = /[\ud800-\udbff]/.test(value[MAX_VALUE_LENGTH - 1]!) ? MAX_VALUE_LENGTH - 1 : MAX_VALUE_LENGTH;
  return value.slice(0, end);
}

function randomId(): string {
  return globalThis.crypto.randomUUID();
}
