import { ValidationError } from '@yubl/errors';

// Lists page with ?limit= (1-100 unless a list allows more, default 20) and an opaque ?cursor= the
// service issued (docs/api.md).
// A cursor is the store's position, base64url JSON; one that does not decode into a position the
// caller's list could have issued (checked by `valid`) is a 400, never a 500.

/** The page size asked for: decimal digits from 1 to `max` (not `1e1`, ` 5` or `0x10`), else a 400. */
export function pageLimit(raw: string | undefined, { fallback = 20, max = 100 }: { fallback?: number; max?: number } = {}): number {
  if (raw === undefined || raw === '') return fallback;
  const limit = /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= max)) {
    throw new ValidationError(`limit must be a whole number from 1 to ${max}`, [{ path: 'query.limit', message: 'out of range' }]);
  }
  return limit;
}

export const encodeCursor = (position: Record<string, unknown> | undefined): string | null =>
  position ? Buffer.from(JSON.stringify(position)).toString('base64url') : null;

export function decodeCursor<T extends Record<string, unknown>>(raw: string | undefined, valid: (position: Record<string, unknown>) => position is T): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    // not base64url JSON: no position
  }
  if (position === null || typeof position !== 'object' || Array.isArray(position) || !valid(position as Record<string, unknown>)) {
    throw new ValidationError('cursor is not one this list issued', [{ path: 'query.cursor', message: 'unknown cursor' }]);
  }
  return position as T;
}
