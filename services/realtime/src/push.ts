// Pushing a distributed yubl to the open apps of its recipients: one publish per recipient, a
// bounded number at a time, each retried a few times; a recipient still failing fails the push,
// so that the whole message is delivered again (SNS retries the function, then its on-failure
// queue takes the message). A recipient whose publish had worked then gets the same item again,
// which the app recognises by the yubl's id (docs/api.md: the push is at least once).
import * as v from 'valibot';

export const YublSchema = v.object({ id: v.string(), authorId: v.string(), text: v.string(), postedAt: v.string() });
export type Yubl = v.InferOutput<typeof YublSchema>;
/** One feed-distribution message (docs/api.md "Events"): a yubl and one batch of the users whose feeds get it. */
export const Distribution = v.object({ yubl: YublSchema, followerIds: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.maxLength(1000)) });
export type Distribution = v.InferOutput<typeof Distribution>;

/** What an app receives on its topic, before the correlation ids are added to it. */
export interface FeedItem {
  type: 'feed-item';
  yubl: Yubl;
}

/** Sends one item to one user's topic; throws when the item was not taken. */
export type PublishToUser = (userId: string, item: FeedItem) => Promise<void>;

export interface PushSettings {
  /** publishes in flight at once */
  concurrency: number;
  /** tries per recipient before the push fails */
  attempts: number;
  /** the wait before the first retry; each later one waits twice as long */
  retryDelayMs: number;
}

export const DEFAULT_PUSH: PushSettings = { concurrency: 32, attempts: 3, retryDelayMs: 50 };

/**
 * How long one publish may take, connecting included: a background fan-out's limit, not an API
 * call's (@yubl/aws SDK_REQUEST_TIMEOUT_MS, 1.2 s). With `concurrency` publishes in flight, each
 * answer waits behind the others: a data plane taking 30 publishes a second (measured on the shared
 * local machine under load; the SDK's own work per call is most of it) answers each after about a
 * second. Below that, publishes the data plane had taken timed out, their retries queued behind the
 * rest, and a 1,000-recipient message ran into the function's timeout and Lambda's retries, pushing
 * every item again (issue 11).
 */
export const PUBLISH_TIMEOUT_MS = 5_000;

/** The longest one recipient can take: every attempt timing out, and the waits between. */
export const worstRecipientMs = ({ attempts, retryDelayMs }: PushSettings, timeoutMs = PUBLISH_TIMEOUT_MS): number =>
  attempts * timeoutMs + retryDelayMs * (2 ** (attempts - 1) - 1);

/** Some recipients' publishes failed every attempt; `cause` is the last error of the first of them. */
export class PushFailedError extends Error {
  constructor(readonly failedUserIds: string[], readonly recipients: number, options: { cause: unknown }) {
    super(`${failedUserIds.length} of ${recipients} publishes failed after every attempt`, options);
    this.name = 'PushFailedError';
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withRetries(attempt: () => Promise<void>, { attempts, retryDelayMs }: PushSettings): Promise<void> {
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= attempts) throw error;
      await wait(retryDelayMs * 2 ** (tried - 1));
    }
  }
}

/**
 * Publishes `yubl` to every recipient's topic, at most `concurrency` at a time (the IoT data plane
 * limits publishes per second per account; one fan-out must not take them all). Every recipient is
 * tried even when others fail. Returns how many were published.
 */
export async function pushToFeeds({ yubl, followerIds }: Distribution, publish: PublishToUser, settings: PushSettings = DEFAULT_PUSH): Promise<{ published: number }> {
  const recipients = [...new Set(followerIds)];
  const item: FeedItem = { type: 'feed-item', yubl };
  const failed: { userId: string; error: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < recipients.length) {
      const userId = recipients[next++]!;
      try {
        await withRetries(() => publish(userId, item), settings);
      } catch (error) {
        failed.push({ userId, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, recipients.length) }, worker));
  if (failed.length > 0) throw new PushFailedError(failed.map((f) => f.userId), recipients.length, { cause: failed[0]!.error });
  return { published: recipients.length };
}
