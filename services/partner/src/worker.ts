// The worker's step (docs/api.md "The streaming partner"): one account request -> the partner ->
// the outcome published for the callback. Redelivered, it leaves an account already created alone;
// a request in flight twice ends in the partner's 409, which is a success.
import type { AccountRequest, AccountResult, AccountStore } from './accounts';
import { untilAnswered, type PartnerAnswer } from './partner-calls';
import type { PartnerAccountRequest } from './partner-client';

export interface WorkerParts {
  store: Pick<AccountStore, 'get'>;
  /** a validation payload for this user, signed and expiring */
  payloadFor: (userId: string) => Promise<string>;
  partner: { create(request: PartnerAccountRequest): Promise<PartnerAnswer>; timeoutMs: number };
  publish: (result: AccountResult) => Promise<void>;
  remainingMs: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type WorkerOutcome = { published: AccountResult; attempts: number } | { alreadyCreated: true };

export async function createAtPartner(parts: WorkerParts, request: AccountRequest): Promise<WorkerOutcome> {
  const account = await parts.store.get(request.userId);
  if (account?.status === 'created') return { alreadyCreated: true };
  const validationPayload = await parts.payloadFor(request.userId);
  const answer = await untilAnswered(() => parts.partner.create({ externalId: request.userId, username: request.username, validationPayload }), {
    remainingMs: parts.remainingMs,
    callTimeoutMs: parts.partner.timeoutMs,
    ...(parts.sleep ? { sleep: parts.sleep } : {}),
  });
  const result: AccountResult =
    answer.kind === 'created' ? { userId: request.userId, status: 'created', partnerAccountId: answer.accountId } : { userId: request.userId, status: 'failed', reason: answer.reason };
  await parts.publish(result);
  return { published: result, attempts: answer.attempts };
}
