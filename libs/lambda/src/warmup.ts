/** The event serverless-plugin-warmup sends to keep an instance warm. */
export const isWarmup = (event: unknown): boolean =>
  event !== null && typeof event === 'object' && (event as { source?: unknown }).source === 'serverless-plugin-warmup';

/** What a warm-up ping gets back, before anything logs or counts. */
export const WARMED = 'warmed';
