import { currentContext, type CorrelationContext } from '../context';
import { CALL_CHAIN_LENGTH, DEBUG_LOG_ENABLED } from '../capture/build';
import { settingsFromEnv } from '../settings';

/** An outgoing call refused because the call chain is already as long as allowed: most likely a loop. */
export class CallChainTooLongError extends Error {
  constructor(readonly length: number, readonly max: number) {
    super(`call chain would reach ${length} hops, over the limit of ${max}: refusing the call (a loop?)`);
    this.name = 'CallChainTooLongError';
  }
}

/**
 * What the next hop must receive, as flat strings: every x-correlation-* id, the debug decision,
 * and the call-chain length one longer. Empty outside an invocation. Throws CallChainTooLongError
 * when the next hop would be over MAX_CALL_CHAIN_LENGTH.
 */
export function outgoingContext(context: CorrelationContext | undefined = currentContext()): Record<string, string> {
  if (!context) return {};
  const next = context.callChainLength + 1;
  const maxLength = settingsFromEnv().maxCallChainLength;
  if (next > maxLength) throw new CallChainTooLongError(next, maxLength);
  const carried: Record<string, string> = {};
  for (const name in context.ids) if (name !== 'user-agent') carried[name] = context.ids[name]!;
  carried[DEBUG_LOG_ENABLED] = context.debugEnabled ? 'true' : 'false';
  carried[CALL_CHAIN_LENGTH] = String(next);
  return carried;
}
