// BatchWriteItem's partial answers have no local stand-in (dynalite always processes every item),
// so the client is mocked here with aws-sdk-client-mock.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { putAll } from '../../src';

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: `item-${i}` }));
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const dynamodb = mockClient(client);
const sentKeys = () => dynamodb.commandCalls(BatchWriteCommand).flatMap((call) => (call.args[0].input.RequestItems!.t ?? []).map((r) => r.PutRequest!.Item!.pk as string));

afterEach(() => dynamodb.reset());

describe('putAll', () => {
  it('writes 25 items a request, every item once', async () => {
    dynamodb.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    await putAll(client, 't', items(60));
    expect(dynamodb.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems!.t!.length)).toEqual([25, 25, 10]);
    expect(sentKeys().sort()).toEqual(items(60).map((i) => i.pk).sort());
  });

  it('sends again only what came back unprocessed, until it is written', async () => {
    dynamodb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { t: [{ PutRequest: { Item: { pk: 'item-3' } } }, { PutRequest: { Item: { pk: 'item-4' } } }] } })
      .resolvesOnce({ UnprocessedItems: { t: [{ PutRequest: { Item: { pk: 'item-4' } } }] } })
      .resolves({});
    await putAll(client, 't', items(5), { basePauseMs: 1 });
    expect(dynamodb.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems!.t!.map((r) => r.PutRequest!.Item!.pk))).toEqual([
      ['item-0', 'item-1', 'item-2', 'item-3', 'item-4'],
      ['item-3', 'item-4'],
      ['item-4'],
    ]);
  });

  it('gives up with an error after the last attempt rather than losing the items quietly', async () => {
    dynamodb.on(BatchWriteCommand).resolves({ UnprocessedItems: { t: [{ PutRequest: { Item: { pk: 'item-0' } } }] } });
    await expect(putAll(client, 't', items(1), { maxAttempts: 3, basePauseMs: 1 })).rejects.toThrow('1 items for t still unprocessed after 3 attempts');
    expect(dynamodb.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });

  it('keeps at most `concurrency` requests in flight (4 by default), each next batch sent as one is answered', async () => {
    let inFlight = 0;
    let most = 0;
    dynamodb.on(BatchWriteCommand).callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return { UnprocessedItems: {} };
    });
    await putAll(client, 't', items(1000));
    expect(most).toBe(4);
    expect(new Set(sentKeys()).size).toBe(1000);
    dynamodb.resetHistory();
    most = 0;
    await putAll(client, 't', items(100), { concurrency: 1 });
    expect(most).toBe(1);
    expect(sentKeys()).toEqual(items(100).map((i) => i.pk)); // one writer: in order
  });

  it('stops sending more once a batch has failed, and throws that failure', async () => {
    dynamodb.on(BatchWriteCommand).rejects(new Error('request timed out'));
    await expect(putAll(client, 't', items(1000), { concurrency: 2 })).rejects.toThrow('request timed out');
    expect(dynamodb.commandCalls(BatchWriteCommand)).toHaveLength(2); // the two writers' first batches, no more
  });

  it('sends nothing for no items', async () => {
    await putAll(client, 't', []);
    expect(dynamodb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});
