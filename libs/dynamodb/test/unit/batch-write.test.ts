// BatchWriteItem's partial answers have no local stand-in (dynalite always processes every item),
// so the clients are mocked here with aws-sdk-client-mock. putAll (plain items, the document
// client) and putAllMarshalled (attribute values, the low-level client) share one writer: each
// case runs through both.
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { putAll, putAllMarshalled, type PutAllOptions } from '../../src';

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const documentMock = mockClient(documentClient);
const lowLevelClient = new DynamoDBClient({ region: 'eu-west-1' });
const lowLevelMock = mockClient(lowLevelClient);

/** The answers a case sets up, whichever command it mocks. */
interface Answers {
  resolves(answer: object): Answers;
  resolvesOnce(answer: object): Answers;
  rejects(error: Error): Answers;
  callsFake(answer: () => Promise<object>): Answers;
}

type Ways = {
  /** writes items pk `item-0` … `item-<n-1>` */
  write: (n: number, options?: PutAllOptions) => Promise<void>;
  /** an UnprocessedItems answer for these keys */
  unprocessed: (...pks: string[]) => Record<string, unknown>;
  /** every request's keys, in the order sent */
  requests: () => string[][];
  on: () => Answers;
  calls: () => unknown[];
};

const ways: [string, Ways][] = [
  [
    'putAll',
    {
      write: (n, options) => putAll(documentClient, 't', Array.from({ length: n }, (_, i) => ({ pk: `item-${i}` })), options),
      unprocessed: (...pks) => ({ t: pks.map((pk) => ({ PutRequest: { Item: { pk } } })) }),
      requests: () => documentMock.commandCalls(BatchWriteCommand).map((call) => (call.args[0].input.RequestItems!.t ?? []).map((r) => r.PutRequest!.Item!.pk as string)),
      on: () => documentMock.on(BatchWriteCommand) as unknown as Answers,
      calls: () => documentMock.commandCalls(BatchWriteCommand),
    },
  ],
  [
    'putAllMarshalled',
    {
      write: (n, options) => putAllMarshalled(lowLevelClient, 't', Array.from({ length: n }, (_, i) => ({ pk: { S: `item-${i}` } })), options),
      unprocessed: (...pks) => ({ t: pks.map((pk) => ({ PutRequest: { Item: { pk: { S: pk } } } })) }),
      requests: () => lowLevelMock.commandCalls(BatchWriteItemCommand).map((call) => (call.args[0].input.RequestItems!.t ?? []).map((r) => r.PutRequest!.Item!.pk!.S!)),
      on: () => lowLevelMock.on(BatchWriteItemCommand) as unknown as Answers,
      calls: () => lowLevelMock.commandCalls(BatchWriteItemCommand),
    },
  ],
];
const keys = (n: number) => Array.from({ length: n }, (_, i) => `item-${i}`);

afterEach(() => {
  documentMock.reset();
  lowLevelMock.reset();
});

describe.each(ways)('%s', (_name, way) => {
  it('writes 25 items a request, every item once', async () => {
    way.on().resolves({ UnprocessedItems: {} });
    await way.write(60);
    expect(way.requests().map((keysSent) => keysSent.length)).toEqual([25, 25, 10]);
    expect(way.requests().flat().sort()).toEqual(keys(60).sort());
  });

  it('sends again only what came back unprocessed, until it is written', async () => {
    way
      .on()
      .resolvesOnce({ UnprocessedItems: way.unprocessed('item-3', 'item-4') })
      .resolvesOnce({ UnprocessedItems: way.unprocessed('item-4') })
      .resolves({});
    await way.write(5, { basePauseMs: 1 });
    expect(way.requests()).toEqual([keys(5), ['item-3', 'item-4'], ['item-4']]);
  });

  it('gives up with an error after the last attempt rather than losing the items quietly', async () => {
    way.on().resolves({ UnprocessedItems: way.unprocessed('item-0') });
    await expect(way.write(1, { maxAttempts: 3, basePauseMs: 1 })).rejects.toThrow('1 items for t still unprocessed after 3 attempts');
    expect(way.calls()).toHaveLength(3);
  });

  it('keeps at most `concurrency` requests in flight (4 by default), each next batch sent as one is answered', async () => {
    let inFlight = 0;
    let most = 0;
    way.on().callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return { UnprocessedItems: {} };
    });
    await way.write(1000);
    expect(most).toBe(4);
    expect(new Set(way.requests().flat()).size).toBe(1000);
    documentMock.resetHistory();
    lowLevelMock.resetHistory();
    most = 0;
    await way.write(100, { concurrency: 1 });
    expect(most).toBe(1);
    expect(way.requests().flat()).toEqual(keys(100)); // one writer: in order
  });

  it('stops sending more once a batch has failed, and throws that failure', async () => {
    way.on().rejects(new Error('request timed out'));
    await expect(way.write(1000, { concurrency: 2 })).rejects.toThrow('request timed out');
    expect(way.calls()).toHaveLength(2); // the two writers' first batches, no more
  });

  it('sends nothing for no items', async () => {
    await way.write(0);
    expect(way.calls()).toHaveLength(0);
  });
});
