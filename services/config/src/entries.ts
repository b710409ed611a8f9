// Config entries: what a service's setting is, and how it changes. Plain values in and out; the
// store is the only way out of this file.
import { ConflictError, NotFoundError, ValidationError } from '@yubl/errors';

export interface ConfigEntry {
  service: string;
  key: string;
  /** the value; for an encrypted entry, the base64 KMS ciphertext, never the plaintext */
  value: string;
  encrypted: boolean;
  version: number;
  updatedAt: string;
}

export interface EntryStore {
  get(service: string, key: string): Promise<ConfigEntry | undefined>;
  list(service: string): Promise<ConfigEntry[]>;
  /** writes `entry` only if the stored version is still `previousVersion` (0: none stored); false if not */
  putIfVersion(entry: ConfigEntry, previousVersion: number): Promise<boolean>;
}

export interface EntryChange {
  value: string;
  encrypted: boolean;
  /** refuse the write (409) unless the stored version is this one */
  expectedVersion?: number;
}

const SERVICE = /^[a-z][a-z0-9-]{0,39}$/;
const KEY = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Concurrent writers of one key each retry on losing the race; past this many, something is wrong.
const MAX_ATTEMPTS = 20;

export function checkNames(service: string, key?: string): void {
  const details = [];
  if (!SERVICE.test(service)) details.push({ path: 'service', message: 'a service name is 1-40 of a-z, 0-9 and -, starting with a letter' });
  if (key !== undefined && !KEY.test(key)) details.push({ path: 'key', message: 'a key is 1-100 of a-z, 0-9, ., _ and -, starting with a letter or digit' });
  if (details.length > 0) throw new ValidationError('The service or key name is not valid', details);
}

export async function getEntry(store: EntryStore, service: string, key: string): Promise<ConfigEntry> {
  checkNames(service, key);
  const entry = await store.get(service, key);
  if (!entry) throw new NotFoundError(`No config entry ${service}/${key}`);
  return entry;
}

export async function listEntries(store: EntryStore, service: string): Promise<ConfigEntry[]> {
  checkNames(service);
  return store.list(service);
}

/**
 * Writes a new version of an entry. Each write is conditional on the version it read, so two
 * concurrent writers never overwrite each other unseen: the one that loses the race reads again
 * and writes the next version (or, with expectedVersion, gets a 409).
 */
export async function putEntry(store: EntryStore, service: string, key: string, change: EntryChange, now = () => new Date()): Promise<ConfigEntry> {
  checkNames(service, key);
  if (change.encrypted && !BASE64.test(change.value)) {
    throw new ValidationError('An encrypted value must be the base64 KMS ciphertext', [{ path: 'body.value', message: 'not base64' }]);
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const current = (await store.get(service, key))?.version ?? 0;
    if (change.expectedVersion !== undefined && change.expectedVersion !== current) {
      throw new ConflictError(`${service}/${key} is at version ${current}, not ${change.expectedVersion}`);
    }
    const entry: ConfigEntry = { service, key, value: change.value, encrypted: change.encrypted, version: current + 1, updatedAt: now().toISOString() };
    if (await store.putIfVersion(entry, current)) return entry;
  }
  throw new ConflictError(`${service}/${key} is being written by too many writers at once; try again`);
}
