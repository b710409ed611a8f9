import { putEntry, type ConfigEntry, type EntryStore } from '../../src/entries';

/** Entries in a Map, with the conditional write the table does; `race` lets a rival write first. */
function inMemoryStore(race?: (store: Map<string, ConfigEntry>) => void): EntryStore {
  const entries = new Map<string, ConfigEntry>();
  return {
    async get(service, key) {
      return entries.get(`${service}/${key}`);
    },
    async list(service) {
      return [...entries.values()].filter((e) => e.service === service);
    },
    async putIfVersion(entry, previousVersion) {
      race?.(entries);
      race = undefined;
      if ((entries.get(`${entry.service}/${entry.key}`)?.version ?? 0) !== previousVersion) return false;
      entries.set(`${entry.service}/${entry.key}`, entry);
      return true;
    },
  };
}

const rivalWrite = (store: Map<string, ConfigEntry>) => store.set('feed/size', { service: 'feed', key: 'size', value: 'rival', encrypted: false, version: 1, updatedAt: '' });

describe('writing config entries', () => {
  it('numbers versions from 1', async () => {
    const store = inMemoryStore();
    expect((await putEntry(store, 'feed', 'size', { value: '20', encrypted: false })).version).toBe(1);
    expect((await putEntry(store, 'feed', 'size', { value: '25', encrypted: false })).version).toBe(2);
  });

  it('writes the next version when a rival wrote first, losing neither write', async () => {
    const store = inMemoryStore(rivalWrite);
    const entry = await putEntry(store, 'feed', 'size', { value: 'mine', encrypted: false });
    expect(entry).toMatchObject({ value: 'mine', version: 2 });
  });

  it('refuses with 409 when the caller expected a version a rival moved past', async () => {
    const store = inMemoryStore(rivalWrite);
    await expect(putEntry(store, 'feed', 'size', { value: 'mine', encrypted: false, expectedVersion: 0 })).rejects.toMatchObject({ status: 409 });
    expect((await store.get('feed', 'size'))?.value).toBe('rival');
  });

  it('refuses bad names and an "encrypted" value that is not base64 with 400', async () => {
    await expect(putEntry(inMemoryStore(), 'Feed', 'size', { value: '1', encrypted: false })).rejects.toMatchObject({ status: 400 });
    await expect(putEntry(inMemoryStore(), 'feed', '../x', { value: '1', encrypted: false })).rejects.toMatchObject({ status: 400 });
    await expect(putEntry(inMemoryStore(), 'feed', 'secret', { value: 'not base64!', encrypted: true })).rejects.toMatchObject({ status: 400 });
  });
});
