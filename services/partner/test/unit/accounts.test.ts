import type { EventEnvelope } from '@yubl/events';
import { accountOf, recordResult, requestAccount, type AccountRequest, type AccountStore, type PartnerAccount } from '../../src/accounts';
import { createAtPartner } from '../../src/worker';
import type { PartnerAnswer } from '../../src/partner-calls';

/** The store's promises on plain values: one item per user, `created` final, an event per created. */
function memoryStore() {
  const items = new Map<string, PartnerAccount>();
  const events: EventEnvelope[] = [];
  const store: AccountStore = {
    get: async (userId) => items.get(userId),
    add: async (account) => (items.has(account.userId) ? false : (items.set(account.userId, account), true)),
    markCreated: async (account, created) => (items.get(account.userId)?.status === 'created' ? false : (items.set(account.userId, account), events.push(created), true)),
    markFailed: async (account) => (items.get(account.userId)?.status === 'created' ? false : (items.set(account.userId, account), true)),
  };
  return { store, items, events };
}

describe('the invoker', () => {
  it('records requested and publishes once; a redelivery while requested publishes again; after, nothing', async () => {
    const { store, items } = memoryStore();
    const published: AccountRequest[] = [];
    const parts = { store, enrolment: async () => 'on' as const, publish: async (r: AccountRequest) => void published.push(r) };
    expect(await requestAccount(parts, { id: 'u1', username: 'ann' })).toBe('requested');
    expect(items.get('u1')).toMatchObject({ status: 'requested', partnerAccountId: null });
    expect(await requestAccount(parts, { id: 'u1', username: 'ann' })).toBe('requested-again');
    expect(published).toEqual([{ userId: 'u1', username: 'ann' }, { userId: 'u1', username: 'ann' }]);
    items.set('u1', { ...items.get('u1')!, status: 'created' });
    expect(await requestAccount(parts, { id: 'u1', username: 'ann' })).toBe('already-done');
    expect(published).toHaveLength(2);
  });

  it('with enrolment off records skipped and publishes nothing, then or on redelivery', async () => {
    const { store, items } = memoryStore();
    const published: AccountRequest[] = [];
    const parts = { store, enrolment: async () => 'off' as const, publish: async (r: AccountRequest) => void published.push(r) };
    expect(await requestAccount(parts, { id: 'u1', username: 'ann' })).toBe('skipped');
    expect(await requestAccount({ ...parts, enrolment: async () => 'on' as const }, { id: 'u1', username: 'ann' })).toBe('already-done');
    expect(items.get('u1')!.status).toBe('skipped');
    expect(published).toEqual([]);
  });

  it('reads what a concurrent delivery stored when it lost the race to store it', async () => {
    const { store, items } = memoryStore();
    const published: AccountRequest[] = [];
    let first = true;
    const racing: AccountStore = {
      ...store,
      get: async (id) => (first ? ((first = false), undefined) : store.get(id)),
      add: async (account) => (items.set(account.userId, { ...account, status: 'created' }), false),
    };
    expect(await requestAccount({ store: racing, enrolment: async () => 'on', publish: async (r) => void published.push(r) }, { id: 'u1', username: 'ann' })).toBe('already-done');
    expect(published).toEqual([]);
  });
});

describe('the callback', () => {
  it('stores created once with one partner-account-created event; a later failed or created changes nothing', async () => {
    const { store, items, events } = memoryStore();
    expect(await recordResult(store, { userId: 'u1', status: 'created', partnerAccountId: 'a1' })).toBe(true);
    expect(await recordResult(store, { userId: 'u1', status: 'created', partnerAccountId: 'a1' })).toBe(false);
    expect(await recordResult(store, { userId: 'u1', status: 'failed', reason: 'late' })).toBe(false);
    expect(items.get('u1')).toMatchObject({ status: 'created', partnerAccountId: 'a1' });
    expect(events).toEqual([expect.objectContaining({ type: 'partner-account-created', data: { userId: 'u1', partnerAccountId: 'a1' } })]);
  });

  it('stores failed with its reason, which a created replaces', async () => {
    const { store, items, events } = memoryStore();
    await recordResult(store, { userId: 'u1', status: 'failed', reason: 'the partner answered 422: expired' });
    expect(items.get('u1')).toMatchObject({ status: 'failed', reason: 'the partner answered 422: expired', partnerAccountId: null });
    expect(events).toEqual([]);
    await recordResult(store, { userId: 'u1', status: 'created', partnerAccountId: 'a1' });
    expect(items.get('u1')).toMatchObject({ status: 'created' });
  });
});

describe('reading an account', () => {
  it('answers the caller`s own account without the reason; 403 for another`s, 404 before a request', async () => {
    const { store } = memoryStore();
    await store.add({ userId: 'u1', status: 'failed', partnerAccountId: null, updatedAt: 't', reason: 'r' });
    expect(await accountOf(store, 'u1', 'u1')).toEqual({ userId: 'u1', status: 'failed', partnerAccountId: null, updatedAt: 't' });
    await expect(accountOf(store, 'u2', 'u1')).rejects.toMatchObject({ status: 403 });
    await expect(accountOf(store, 'u3', 'u3')).rejects.toMatchObject({ status: 404 });
  });
});

describe('the worker', () => {
  const request = { userId: 'u1', username: 'ann' };
  const parts = (answers: PartnerAnswer[], store = memoryStore().store) => {
    const calls: unknown[] = [];
    const published: unknown[] = [];
    return {
      calls,
      published,
      parts: {
        store,
        payloadFor: async (userId: string) => `payload-for-${userId}`,
        partner: { timeoutMs: 100, create: async (r: unknown) => (calls.push(r), answers.shift()!) },
        publish: async (result: unknown) => void published.push(result),
        remainingMs: () => 10_000,
        sleep: async () => undefined,
      },
    };
  };

  it('asks the partner for the user`s account with its payload and publishes created (201 or 409 alike)', async () => {
    const { parts: p, calls, published } = parts([{ kind: 'busy', why: '503' }, { kind: 'created', accountId: 'a1' }]);
    expect(await createAtPartner(p, request)).toEqual({ published: { userId: 'u1', status: 'created', partnerAccountId: 'a1' }, attempts: 2 });
    expect(calls).toEqual([{ externalId: 'u1', username: 'ann', validationPayload: 'payload-for-u1' }, { externalId: 'u1', username: 'ann', validationPayload: 'payload-for-u1' }]);
    expect(published).toEqual([{ userId: 'u1', status: 'created', partnerAccountId: 'a1' }]);
  });

  it('publishes failed with the partner`s reason for a refusal', async () => {
    const { parts: p, published } = parts([{ kind: 'refused', reason: 'the partner answered 422: expired' }]);
    await createAtPartner(p, request);
    expect(published).toEqual([{ userId: 'u1', status: 'failed', reason: 'the partner answered 422: expired' }]);
  });

  it('leaves an account already created alone: no call, nothing published', async () => {
    const memory = memoryStore();
    await memory.store.add({ userId: 'u1', status: 'created', partnerAccountId: 'a1', updatedAt: 't' });
    const { parts: p, calls, published } = parts([], memory.store);
    expect(await createAtPartner(p, request)).toEqual({ alreadyCreated: true });
    expect([calls, published]).toEqual([[], []]);
  });
});
