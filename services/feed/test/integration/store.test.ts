// The feed store against the running test cloud's DynamoDB: a fan-out's items are written in
// attribute-value form, the yubl marshalled once for all of them (src/store.ts), and must read back
// through the document client as the very yubl, once per feed.
import { randomUUID } from 'node:crypto';
import { timeOrderedId } from '@yubl/events';
import { localCloud, useLocalCloudEnvironment } from '@yubl/test-harness';
import type { Yubl } from '../../src/feed';
import { dynamoDbFeedStore } from '../../src/store';

const { stage } = localCloud();
useLocalCloudEnvironment();
const store = dynamoDbFeedStore(`feeds-${stage}`);

describe('the feed store', () => {
  it('writes one yubl into every listed feed, each read back as the same yubl, a feed listed twice written once', async () => {
    const yubl: Yubl = { id: timeOrderedId(), authorId: `author-${randomUUID()}`, text: 'to every feed ✓', postedAt: new Date().toISOString() };
    const readers = Array.from({ length: 60 }, () => `reader-${randomUUID()}`); // three requests: 25, 25, 10
    await store.add(yubl, [readers[0]!, ...readers]); // the same key twice in one request is refused by DynamoDB
    for (const reader of [readers[0]!, readers[30]!, readers[59]!]) {
      expect(await store.page(reader, 10)).toEqual({ items: [yubl], next: undefined });
      expect(await store.get(reader, yubl.id)).toEqual(yubl);
    }
  });
});
