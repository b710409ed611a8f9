import { currentContext, type CorrelationContext } from '@yubl/correlation';
import { isoNow } from './clock';
import { mask, maskText, sensitiveKeyMatcher } from './mask';
import { writeLine } from './output';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  /** `fields` may be the Error itself: it is logged as `error: {name, message, stack}` */
  error(message: string, fields?: Record<string, unknown> | Error): void;
}

export interface LoggerOptions {
  /** LOG_LEVEL by default, else info; a call chain sampled for debug logs at debug regardless */
  level?: Level;
  /** keys whose values are masked besides the defaults (and LOG_MASK_KEYS) */
  maskKeys?: string[];
  /** where lines go (standard output by default); one JSON object and a newline per call */
  write?: (line: string) => void;
}

const MEMO_KEY = 'logger.fields';

let loggers = 0;

/**
 * The context's part of every line — function, version, request id, every correlation id — as a
 * JSON fragment, masked and serialized once per invocation (or record) and kept on the context
 * under `memoKey` (one a logger: loggers may mask different keys). Masked because a client chooses
 * its correlation headers and the user agent: `x-correlation-password` is a sensitive name like any.
 */
function contextFields(context: CorrelationContext | undefined, memoKey: string, isSensitive: (key: string) => boolean): string {
  if (!context) return '';
  const memo = context.memo as Record<string, string | undefined>;
  let fields = memo[memoKey];
  if (fields === undefined) {
    const values: Record<string, unknown> = {
      function: context.functionName,
      version: context.functionVersion,
      awsRequestId: context.awsRequestId,
      ...context.ids,
      'call-chain-length': context.callChainLength,
    };
    if (context.debugEnabled) values['debug-log-enabled'] = true;
    fields = `,${JSON.stringify(mask(values, isSensitive)).slice(1, -1)}`;
    memo[memoKey] = fields;
  }
  return fields;
}

/** A structured JSON logger reading the current correlation context on every call. */
export function createLogger({ level, maskKeys, write = writeLine }: LoggerOptions = {}): Logger {
  const envLevel = process.env.LOG_LEVEL?.toLowerCase() as Level | undefined;
  const threshold = RANK[level ?? (envLevel && Object.hasOwn(RANK, envLevel) ? envLevel : 'info')];
  const isSensitive = sensitiveKeyMatcher(maskKeys ?? (process.env.LOG_MASK_KEYS ?? '').split(','));
  const memoKey = `${MEMO_KEY}.${(loggers += 1)}`;

  const emit = (lvl: Level, message: string, fields: Record<string, unknown> | Error | undefined) => {
    const context = currentContext();
    if (RANK[lvl] < threshold && !(context?.debugEnabled && lvl === 'debug')) return;
    let extra = '';
    if (fields !== undefined) {
      const safe = mask(fields instanceof Error ? { error: fields } : fields, isSensitive);
      try {
        const json = JSON.stringify(safe);
        if (json.length > 2) extra = `,${json.slice(1, -1)}`;
      } catch {
        extra = ',"fields":"[unserializable]"';
      }
    }
    write(`{"level":"${lvl}","message":${JSON.stringify(maskText(String(message)))},"timestamp":"${isoNow()}"${contextFields(context, memoKey, isSensitive)}${extra}}\n`);
  };

  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
