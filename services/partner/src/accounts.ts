// Partner accounts (docs/api.md "The streaming partner"): one per user, keyed by user id, from the
// join to the partner's answer. Every step is idempotent under redelivery: the invoker records a
// user once, the worker leaves a created account alone, the callback records `created` once and
// announces it once.
import * as v from 'valibot';
import { envelope, type EventEnvelope } from '@yubl/events';
import { ForbiddenError, NotFoundError } from '@yubl/errors';

export type AccountStatus = 'requested' | 'created' | 'failed' | 'skipped';

export interface PartnerAccount {
  userId: string;
  status: AccountStatus;
  partnerAccountId: string | null;
  updatedAt: string;
  /** why the partner refused (status failed) */
  reason?: string;
}

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
/** What user-joined carries that the invoker needs. */
export const JoinedUser = v.object({ user: v.object({ id: Id, username: v.pipe(v.string(), v.minLength(1), v.maxLength(100)) }) });
/** A partner-account-requests message (docs/api.md "Events"). */
export const AccountRequest = v.object({ userId: Id, username: v.pipe(v.string(), v.minLength(1), v.maxLength(100)) });
export type AccountRequest = v.InferOutput<typeof AccountRequest>;
/** A partner-account-results message. */
export const AccountResult = v.variant('status', [
  v.object({ userId: Id, status: v.literal('created'), partnerAccountId: Id }),
  v.object({ userId: Id, status: v.literal('failed'), reason: v.pipe(v.string(), v.maxLength(1000)) }),
]);
export type AccountResult = v.InferOutput<typeof AccountResult>;

export interface AccountStore {
  get(userId: string): Promise<PartnerAccount | undefined>;
  /** stores the account if the user has none yet; false (nothing stored) if it has one */
  add(account: PartnerAccount): Promise<boolean>;
  /**
   * stores `created` and its partner-account-created event at once, unless the account is already
   * created (false, nothing stored)
   */
  markCreated(account: PartnerAccount, created: EventEnvelope<{ userId: string; partnerAccountId: string }>): Promise<boolean>;
  /** stores `failed`, unless the account is already created (false) */
  markFailed(account: PartnerAccount): Promise<boolean>;
}

export interface InvokerParts {
  store: AccountStore;
  enrolment: () => Promise<'on' | 'off'>;
  publish: (request: AccountRequest) => Promise<void>;
}

export type InvokerOutcome = 'requested' | 'skipped' | 'requested-again' | 'already-done';

/**
 * A user joined: with enrolment on, `requested` and a request published; off, `skipped` and
 * nothing. A redelivered join finds the account: while it is still `requested` (the publish may
 * have failed after the write) the request is published again, which the worker makes harmless;
 * otherwise nothing happens.
 */
export async function requestAccount({ store, enrolment, publish }: InvokerParts, user: { id: string; username: string }, now = new Date()): Promise<InvokerOutcome> {
  const existing = await store.get(user.id);
  if (!existing) {
    const status = (await enrolment()) === 'off' ? 'skipped' : 'requested';
    const added = await store.add({ userId: user.id, status, partnerAccountId: null, updatedAt: now.toISOString() });
    if (!added) return requestAccount({ store, enrolment, publish }, user, now);
    if (status === 'skipped') return 'skipped';
    await publish({ userId: user.id, username: user.username });
    return 'requested';
  }
  if (existing.status !== 'requested') return 'already-done';
  await publish({ userId: user.id, username: user.username });
  return 'requested-again';
}

/** The partner's answer, recorded: `created` once (with its event), `failed` unless created. */
export async function recordResult(store: AccountStore, result: AccountResult, now = new Date()): Promise<boolean> {
  const updatedAt = now.toISOString();
  if (result.status === 'created') {
    const account: PartnerAccount = { userId: result.userId, status: 'created', partnerAccountId: result.partnerAccountId, updatedAt };
    return store.markCreated(account, envelope('partner-account-created', { userId: result.userId, partnerAccountId: result.partnerAccountId }, now));
  }
  return store.markFailed({ userId: result.userId, status: 'failed', partnerAccountId: null, updatedAt, reason: result.reason });
}

/** GET /partner/accounts/{userId}: the caller's own account only. */
export async function accountOf(store: Pick<AccountStore, 'get'>, callerId: string, userId: string): Promise<Omit<PartnerAccount, 'reason'>> {
  if (callerId !== userId) throw new ForbiddenError('A user can read only their own partner account');
  const account = await store.get(userId);
  if (!account) throw new NotFoundError(`No partner account request is known for user ${userId}`);
  return { userId: account.userId, status: account.status, partnerAccountId: account.partnerAccountId, updatedAt: account.updatedAt };
}
