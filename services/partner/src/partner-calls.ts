// Calling the partner's POST /accounts (docs/api.md "The streaming partner"), as decisions on plain
// values: what an answer means, and how long a busy partner is waited for. The HTTP call itself is
// partner-client.ts.

/** What one call to the partner came to. */
export type PartnerAnswer =
  /** 201, or 409: the account exists (made by an earlier delivery of this request, say) */
  | { kind: 'created'; accountId: string }
  /** any other 4xx: the partner will not make it (our validation refused it, say); retrying cannot help */
  | { kind: 'refused'; reason: string }
  /** 429, 5xx, a timeout or no connection: worth another try */
  | { kind: 'busy'; why: string };

/** The partner stayed busy for as long as this invocation could wait: Lambda's retries take over. */
export class PartnerBusyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PartnerBusyError';
  }
}

/** An answer's meaning, from its status and body. */
export function answerOf(status: number, body: { accountId?: unknown; reason?: unknown; error?: unknown } | undefined): PartnerAnswer {
  if (status === 201 || status === 409) {
    if (typeof body?.accountId === 'string' && body.accountId !== '') return { kind: 'created', accountId: body.accountId };
    return { kind: 'busy', why: `the partner answered ${status} without an accountId` };
  }
  if (status === 429 || status >= 500) return { kind: 'busy', why: `the partner answered ${status}` };
  const reason = typeof body?.reason === 'string' ? body.reason : typeof body?.error === 'string' ? body.error : 'no reason given';
  return { kind: 'refused', reason: `the partner answered ${status}: ${reason}`.slice(0, 1000) };
}

export interface RetryOptions {
  /** the invocation's time left, in ms */
  remainingMs: () => number;
  /** the longest one call may take: a retry starts only if it can finish in time */
  callTimeoutMs: number;
  /** kept in hand at the end, to publish the outcome and answer (default 1 s) */
  reserveMs?: number;
  /** the first pause (default 100 ms), doubling to maxDelayMs (default 2 s), each with jitter */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Calls until the partner answers something other than busy, pausing longer each time (exponential
 * backoff with jitter, so that many workers do not come back at once), for as long as another call
 * still fits in the invocation's time; then throws PartnerBusyError.
 */
export async function untilAnswered(
  call: () => Promise<PartnerAnswer>,
  { remainingMs, callTimeoutMs, reserveMs = 1_000, baseDelayMs = 100, maxDelayMs = 2_000, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)), random = Math.random }: RetryOptions,
): Promise<Exclude<PartnerAnswer, { kind: 'busy' }> & { attempts: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await call();
    if (answer.kind !== 'busy') return { ...answer, attempts: attempt };
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + random() / 2);
    if (remainingMs() - delay < callTimeoutMs + reserveMs) {
      throw new PartnerBusyError(`the partner stayed busy for ${attempt} calls (${answer.why}); left to Lambda's retries`);
    }
    await sleep(delay);
  }
}
