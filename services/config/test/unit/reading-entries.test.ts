import { checkNames, getEntry, listEntries, putEntry, type ConfigEntry, type EntryStore } from '../../src/entries';

const entry = (service: string, key: string, version = 1): ConfigEntry => ({ service, key, value: 'v', encrypted: false, version, updatedAt: '2026-01-01T00:00:00.000Z' });

/** A store that answers from a fixed list and records what it was asked. */
function fixedStore(entries: ConfigEntry[], putResult = true): EntryStore & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async get(service, key) {
      asked.push(`get ${service}/${key}`);
      return entries.find((e) => e.service === service && e.key === key);
    },
    async list(service) {
      asked.push(`list ${service}`);
      return entries.filter((e) => e.service === service);
    },
    async putIfVersion(written, previousVersion) {
      asked.push(`put ${written.service}/${written.key} v${written.version} if v${previousVersion}`);
      return putResult;
    },
  };
}

describe('service and key names', () => {
  it.each(['a', 'auth', 'feed-2', 'a'.padEnd(40, 'b')])('takes the service %s', (service) => expect(() => checkNames(service)).not.toThrow());
  it.each(['', 'Auth', '2feed', '-a', 'a_b', 'a.b', 'a'.padEnd(41, 'b'), 'auth/x'])('refuses the service %j', (service) => {
    expect(() => checkNames(service, 'key')).toThrow(expect.objectContaining({ status: 400, message: 'The service or key name is not valid', details: [{ path: 'service', message: expect.stringContaining('service name') }] }));
  });

  it.each(['k', '0', 'jwt-secret', 'a.b_c-d', 'k'.padEnd(100, '9')])('takes the key %s', (key) => expect(() => checkNames('auth', key)).not.toThrow());
  it.each(['', 'Key', '.k', '_k', '-k', 'a/b', 'a b', 'k'.padEnd(101, '9')])('refuses the key %j', (key) => {
    expect(() => checkNames('auth', key)).toThrow(expect.objectContaining({ status: 400, details: [{ path: 'key', message: expect.stringContaining('a key is') }] }));
  });

  it('reports both names when both are bad', () => {
    expect(() => checkNames('Auth', 'Key')).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: 'service' }), expect.objectContaining({ path: 'key' })] }));
  });
});

describe('reading config entries', () => {
  it('answers the entry of a service and key', async () => {
    expect(await getEntry(fixedStore([entry('auth', 'a'), entry('auth', 'b')]), 'auth', 'b')).toEqual(entry('auth', 'b'));
  });

  it('answers 404 for an entry that is not there', async () => {
    await expect(getEntry(fixedStore([entry('auth', 'a')]), 'auth', 'b')).rejects.toMatchObject({ status: 404, message: 'No config entry auth/b' });
  });

  it('checks the names before asking the store', async () => {
    const store = fixedStore([]);
    await expect(getEntry(store, 'auth', 'B')).rejects.toMatchObject({ status: 400 });
    await expect(listEntries(store, 'Auth')).rejects.toMatchObject({ status: 400 });
    expect(store.asked).toEqual([]);
  });

  it('lists the entries of one service', async () => {
    expect(await listEntries(fixedStore([entry('auth', 'a'), entry('feed', 'b')]), 'auth')).toEqual([entry('auth', 'a')]);
  });
});

describe('writing config entries against a store', () => {
  const now = () => new Date('2026-02-03T04:05:06.000Z');

  it('writes the version after the stored one, conditional on it, stamped now', async () => {
    const store = fixedStore([entry('auth', 'a', 3)]);
    const written = await putEntry(store, 'auth', 'a', { value: 'bmV3', encrypted: true, expectedVersion: 3 }, now);
    expect(written).toEqual({ service: 'auth', key: 'a', value: 'bmV3', encrypted: true, version: 4, updatedAt: '2026-02-03T04:05:06.000Z' });
    expect(store.asked).toEqual(['get auth/a', 'put auth/a v4 if v3']);
  });

  it('takes base64 ciphertext, padded or not, as an encrypted value', async () => {
    for (const value of ['AAAA', 'AAA=', 'AA==', 'ab+/'.repeat(8)]) await expect(putEntry(fixedStore([]), 'auth', 'a', { value, encrypted: true }, now)).resolves.toMatchObject({ value });
    for (const value of ['A', 'AAAAA', 'A===', 'AA=A', 'AA AA', 'AAAA\n']) await expect(putEntry(fixedStore([]), 'auth', 'a', { value, encrypted: true }, now)).rejects.toMatchObject({ status: 400, message: 'An encrypted value must be the base64 KMS ciphertext', details: [{ path: 'body.value', message: 'not base64' }] });
  });

  it('takes any plain value', async () => {
    await expect(putEntry(fixedStore([]), 'auth', 'a', { value: 'not base64!', encrypted: false }, now)).resolves.toMatchObject({ version: 1 });
  });

  it('gives up with 409 after 20 lost races, rather than retrying for ever', async () => {
    const store = fixedStore([], false);
    await expect(putEntry(store, 'auth', 'a', { value: 'v', encrypted: false }, now)).rejects.toMatchObject({ status: 409, message: 'auth/a is being written by too many writers at once; try again' });
    expect(store.asked.filter((call) => call.startsWith('put'))).toHaveLength(20);
  });

  it('says which version is stored when the expected one is not', async () => {
    await expect(putEntry(fixedStore([entry('auth', 'a', 2)]), 'auth', 'a', { value: 'v', encrypted: false, expectedVersion: 1 }, now)).rejects.toMatchObject({ status: 409, message: 'auth/a is at version 2, not 1' });
  });
});
