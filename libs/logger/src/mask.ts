// Secrets never reach a log line: values under sensitive keys are replaced, and bearer tokens, JWTs
// and `password=…`-like pairs inside any string are cut out. Extra keys: LOG_MASK_KEYS
// (comma-separated) or the logger's `maskKeys`.

export const MASKED = '***';
const DEFAULT_KEYS = ['password', 'passwd', 'secret', 'token', 'authorization', 'apikey', 'api-key', 'api_key', 'cookie', 'credential', 'privatekey', 'private_key', 'plaintext'];
const SECRET_IN_TEXT = /((?:Bearer\s+)|(?:password|passwd|secret|token|api[_-]?key)\s*[=:]\s*)[^\s"',;&]+|eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/gi;
const HAS_SECRET_IN_TEXT = new RegExp(SECRET_IN_TEXT.source, 'i'); // no `g`: test() must not keep state
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a key names a secret: any key containing one of the sensitive words, case aside. */
export function sensitiveKeyMatcher(extraKeys: readonly string[] = (process.env.LOG_MASK_KEYS ?? '').split(',')): (key: string) => boolean {
  const words = [...DEFAULT_KEYS, ...extraKeys.map((k) => k.trim()).filter(Boolean)].map(escape);
  const pattern = new RegExp(words.join('|'), 'i');
  // Field names repeat from line to line: remember each answer (bounded, in case keys are data).
  const known = new Map<string, boolean>();
  return (key) => {
    let answer = known.get(key);
    // Stryker disable next-line ConditionalExpression: asking the pattern every time gives the same answer; the memo only saves the work
    if (answer === undefined) {
      answer = pattern.test(key);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound only limits the memo's memory; answers are the same
      if (known.size < 1000) known.set(key, answer);
    }
    return answer;
  };
}

export function maskText(text: string): string {
  return HAS_SECRET_IN_TEXT.test(text) ? text.replace(SECRET_IN_TEXT, (_match, lead?: string) => `${lead ?? ''}${MASKED}`) : text;
}

/** A copy of `value` that is safe to log. Errors become {name, message, stack}; cycles are cut. */
export function mask(value: unknown, isSensitive: (key: string) => boolean, seen?: WeakSet<object>, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value;
  if (depth > 8) return '[…]';
  // Cycles are tracked below the top level only: the common flat fields object allocates nothing
  // (a cycle back to it is cut one turn later).
  if (depth === 0) return maskObject(value, isSensitive, seen, depth);
  seen ??= new WeakSet();
  if (seen.has(value)) return '[…]';
  seen.add(value);
  const result = maskObject(value, isSensitive, seen, depth);
  // Only the values being masked around this one are its ancestors: met again elsewhere, it is no cycle.
  seen.delete(value);
  return result;
}

function maskObject(value: object, isSensitive: (key: string) => boolean, seen: WeakSet<object> | undefined, depth: number): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: maskText(value.message), stack: value.stack ? maskText(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((item) => mask(item, isSensitive, seen, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const result: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    result[key] = isSensitive(key) ? MASKED : mask((value as Record<string, unknown>)[key], isSensitive, seen, depth + 1);
  }
  return result;
}
