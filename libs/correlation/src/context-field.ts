// Where correlation ids ride inside a JSON payload (a Kinesis record's data, an SNS message, a
// direct invocation's event): one field the consumer's code never sees (docs/api.md "Events").

export const CONTEXT_FIELD = '__context__';

/** A payload with `__context__` taken out: what the handler sees, and the ids that rode in it. */
export interface SplitPayload {
  data: unknown;
  carried: Record<string, unknown> | undefined;
}

/** Takes `__context__` out of a JSON object; anything else (arrays, text, null) is left as it is. */
export function splitContext(value: unknown): SplitPayload {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !(CONTEXT_FIELD in value)) return { data: value, carried: undefined };
  const { [CONTEXT_FIELD]: carried, ...rest } = value as Record<string, unknown>;
  return { data: rest, carried: carried as Record<string, unknown> | undefined };
}
