import { invokeHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { deadLetterQueue } from '../adapters/sqs';
import { storeIndexer } from '../adapters/store';
import { replayDeadLetters } from '../replay';
import { shippingSettings } from '../settings';

const settings = shippingSettings(process.env);
const index = storeIndexer(settings);
const queue = deadLetterQueue(settings.deadLetterQueueUrl);

export const handler = invokeHandler(async (_event, context) => {
  const timeLeftMs = () => context.getRemainingTimeInMillis() - settings.marginMs;
  // Received messages stay hidden past the end of this run, so the run never reads one twice.
  const hiddenForSeconds = Math.ceil(context.getRemainingTimeInMillis() / 1000) + 30;
  const result = await replayDeadLetters({
    receive: () => queue.receive(hiddenForSeconds),
    remove: queue.remove,
    send: queue.send,
    index: (documents) => index(documents, timeLeftMs),
    timeLeftMs,
    remaining: queue.count,
  });
  log.info('dead letters replayed', { ...result });
  return result;
});
