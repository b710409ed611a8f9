// The event envelope of docs/api.md: {type, id, occurredAt, data} (the correlation ids' __context__ is
// added on the way out by @yubl/correlation's forwardCorrelation, and taken off on the way in).
import { randomUUID } from 'node:crypto';

export interface EventEnvelope<T = unknown> {
  type: string;
  id: string;
  occurredAt: string;
  data: T;
}

export function envelope<T>(type: string, data: T, now = new Date()): EventEnvelope<T> {
  return { type, id: randomUUID(), occurredAt: now.toISOString(), data };
}

/** An envelope as a Kinesis record's data, or null for anything that is not one. */
export function asEnvelope(value: unknown): EventEnvelope | null {
  if (value === null || typeof value !== 'object') return null;
  const { type, id, occurredAt, data } = value as Record<string, unknown>;
  if (typeof type !== 'string' || typeof id !== 'string' || typeof occurredAt !== 'string' || data === null || typeof data !== 'object') return null;
  return { type, id, occurredAt, data };
}

/** An opaque id that sorts by creation time (newest last), for lists read newest first. */
export function timeOrderedId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
