import type { Context, SNSEvent } from 'aws-lambda';
import { buildContext, fromSnsRecord, runWithContext, settingsFromEnv, splitContext } from '@yubl/correlation';
import { log } from '@yubl/logger';
import { lambdaEntry, type EntryOptions } from './entry';
import { forwardEvent } from './forwarding/forward';

export interface SnsMessageInfo {
  messageId: string;
  topicArn: string;
  timestamp: string;
  /** the invocation's time left, in ms: for a handler that waits on something (retries, say) */
  remainingTimeMs: () => number;
}

/**
 * Handles each SNS record in its own correlation context (ids from its String message
 * attributes); `handler` gets the message parsed from JSON. SNS invokes asynchronously and reads no
 * partial answer: a failed record fails the invocation, so Lambda retries it and, past
 * maximumRetryAttempts, sends it to the on-failure destination. A message that is not JSON fails
 * the same way, so it lands there too.
 */
export function snsHandler(handler: (message: unknown, info: SnsMessageInfo) => Promise<void>, options: EntryOptions = {}) {
  const settings = settingsFromEnv();

  async function core(event: SNSEvent, context: Context): Promise<void> {
    let firstError: unknown;
    for (const record of event.Records ?? []) {
      await runWithContext(fromSnsRecord(record, context, settings), async () => {
        const info = { messageId: record.Sns.MessageId, topicArn: record.Sns.TopicArn, timestamp: record.Sns.Timestamp, remainingTimeMs: () => context.getRemainingTimeInMillis() };
        try {
          await handler(splitContext(JSON.parse(record.Sns.Message)).data, info);
        } catch (error) {
          log.error('the SNS message failed; Lambda will retry it', { messageId: info.messageId, error });
          firstError ??= error;
        }
      });
    }
    if (firstError) throw firstError;
  }

  return lambdaEntry(
    {
      core,
      capture: (_event, context, s) => buildContext(undefined, '', context, s),
      forward: forwardEvent as (target: string, event: SNSEvent, context: Context) => Promise<void>,
      // Stryker disable next-line OptionalChaining: an event without records is answered before any timeout warning
      summary: (event) => ({ records: event.Records?.length ?? 0, topicArn: event.Records?.[0]?.Sns?.TopicArn }),
    },
    options,
  );
}
