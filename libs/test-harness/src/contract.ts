// What docs/api.md's HTTP conventions say every answer looks like, for acceptance tests to match:
//   expect(await weCall(endpoint, call)).toMatchObject(refused(404, 'NotFound'))
/** The codes of the contract's error statuses. */
export const ERROR_CODES: Record<number, string> = { 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 413: 'PayloadTooLarge', 415: 'UnsupportedMediaType', 429: 'TooManyRequests' };

/** An answer with an x-correlation-id (every answer has one). */
export const correlated = (status: number) => ({ status, headers: expect.objectContaining({ 'x-correlation-id': expect.stringMatching(/\S/) }) });

/** A refusal: this status, `{"error": {code, message, details?}}` with the status's code, an x-correlation-id. */
export const refused = (status: number) => ({ ...correlated(status), body: { error: expect.objectContaining({ code: ERROR_CODES[status], message: expect.any(String) }) } });

/** Whether a body is the contract's error body and nothing more. */
export const hasErrorShape = (body: unknown): boolean => {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  return (
    typeof body === 'object' && body !== null && Object.keys(body).length === 1 && typeof error?.code === 'string' && typeof error.message === 'string' && (error.details === undefined || Array.isArray(error.details))
  );
};

/**
 * How long a client waits before it sends a request again, by the answer's Retry-After (seconds,
 * as docs/api.md gives it with a 503): that long, at most 5 s here; a second when it is absent or
 * not a number of seconds.
 */
export const retryAfterMs = (value: string | null | undefined): number => {
  const seconds = value === null || value === undefined || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 5) * 1_000 : 1_000;
};
