/** How capture and forwarding behave; defaults come from the function's environment. */
export interface CorrelationSettings {
  /** share of call chains that log at debug level, decided at their first hop (0..1) */
  debugSampleRate: number;
  /** the longest call chain allowed before an outgoing call is refused */
  maxCallChainLength: number;
  /** the stage's key for `call-chain-proof` (CALL_CHAIN_KEY): without one, no HTTP request's call-chain-length is trusted */
  callChainKey?: string;
}

const rate = (value: string | undefined, fallback: number) => {
  const parsed = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : fallback;
};

const positiveInteger = (value: string | undefined, fallback: number) => {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
};

/** DEBUG_LOG_SAMPLE_RATE (default 0.01), MAX_CALL_CHAIN_LENGTH (default 10) and CALL_CHAIN_KEY (none). */
export const settingsFromEnv = (env: NodeJS.ProcessEnv = process.env): CorrelationSettings => ({
  debugSampleRate: rate(env.DEBUG_LOG_SAMPLE_RATE, 0.01),
  maxCallChainLength: positiveInteger(env.MAX_CALL_CHAIN_LENGTH, 10),
  callChainKey: env.CALL_CHAIN_KEY || undefined,
});
