// TransactWriteItems and TransactGetItems on the local cloud's DynamoDB emulator (dynalite with
// dynamodb-transactions.js in front), spoken to by the real SDK v3 clients, in the emulator's own
// process as the local cloud runs it.
import {
  CreateTableCommand,
  DynamoDBClient,
  IdempotentParameterMismatchException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';

const EMULATOR = path.join(__dirname, '../../src/emulators/run-emulator.js');
const TABLE = 'transactions-test';
const INDEXED = 'transactions-indexed';

let emulator: ChildProcess;
let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;

const freePort = () => new Promise<number>((resolve, reject) => {
  const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  });
});

beforeAll(async () => {
  const port = await freePort();
  emulator = spawn(process.execPath, [EMULATOR, 'dynamodb', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    emulator.once('exit', (code) => reject(new Error(`the DynamoDB emulator exited (${code})`)));
    emulator.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('listening')) resolve(); });
  });
  client = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ httpAgent: { maxSockets: 200 } }),
    maxAttempts: 1, // a retry would hide what the emulator answered first
  });
  documents = DynamoDBDocumentClient.from(client);
  await client.send(new CreateTableCommand({
    TableName: TABLE,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
  await client.send(new CreateTableCommand({
    TableName: INDEXED,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'status', AttributeType: 'S' }],
    GlobalSecondaryIndexes: [{ IndexName: 'by-status', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
  }));
});

afterAll(async () => {
  client?.destroy();
  if (emulator && emulator.exitCode === null) {
    const exited = new Promise((resolve) => emulator.once('exit', resolve));
    emulator.kill('SIGTERM');
    await exited;
  }
});

/** A fresh partition for each test, so tests never see each other's items. */
const partition = () => `p-${randomUUID()}`;
const get = async (pk: string, sk: string) => (await documents.send(new GetCommand({ TableName: TABLE, Key: { pk, sk }, ConsistentRead: true }))).Item;

/** The error a send rejects with (failing the test if it resolves). */
async function refusal(send: Promise<unknown>): Promise<any> {
  try {
    await send;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to be refused');
}

describe('TransactWriteItems', () => {
  it('applies a Put, an Update (SET, ADD, if_not_exists), a Delete and a ConditionCheck together', async () => {
    const pk = partition();
    await documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: [
      { PutRequest: { Item: { pk, sk: 'counter', count: 1 } } },
      { PutRequest: { Item: { pk, sk: 'doomed' } } },
      { PutRequest: { Item: { pk, sk: 'guard', open: true } } },
    ] } }));

    await documents.send(new TransactWriteCommand({ TransactItems: [
      { Put: { TableName: TABLE, Item: { pk, sk: 'entity', name: 'ada' }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Update: {
          TableName: TABLE,
          Key: { pk, sk: 'counter' },
          UpdateExpression: 'SET #label = :label, created = if_not_exists(created, :now) ADD #count :two',
          ExpressionAttributeNames: { '#label': 'label', '#count': 'count' },
          ExpressionAttributeValues: { ':label': 'counted', ':now': 't0', ':two': 2 },
        },
      },
      { Delete: { TableName: TABLE, Key: { pk, sk: 'doomed' }, ConditionExpression: 'attribute_exists(pk)' } },
      { ConditionCheck: { TableName: TABLE, Key: { pk, sk: 'guard' }, ConditionExpression: '#open = :yes', ExpressionAttributeNames: { '#open': 'open' }, ExpressionAttributeValues: { ':yes': true } } },
    ] }));

    expect(await get(pk, 'entity')).toEqual({ pk, sk: 'entity', name: 'ada' });
    expect(await get(pk, 'counter')).toEqual({ pk, sk: 'counter', count: 3, label: 'counted', created: 't0' });
    expect(await get(pk, 'doomed')).toBeUndefined();
    expect(await get(pk, 'guard')).toEqual({ pk, sk: 'guard', open: true });
  });

  it('applies nothing when one condition fails, and gives every reason in item order', async () => {
    const pk = partition();
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'taken', owner: 'someone' } }));
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'counter', count: 1 } }));

    const error = await refusal(documents.send(new TransactWriteCommand({ TransactItems: [
      { Put: { TableName: TABLE, Item: { pk, sk: 'new' } } },
      { Put: { TableName: TABLE, Item: { pk, sk: 'taken', owner: 'me' }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      { Update: { TableName: TABLE, Key: { pk, sk: 'counter' }, UpdateExpression: 'ADD #count :one', ExpressionAttributeNames: { '#count': 'count' }, ExpressionAttributeValues: { ':one': 1 } } },
    ] })));

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]');
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      // lib-dynamodb leaves an error's item in DynamoDB's own attribute values, on AWS as here
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: { S: pk }, sk: { S: 'taken' }, owner: { S: 'someone' } } },
      { Code: 'None' },
    ]);
    expect(await get(pk, 'new')).toBeUndefined();
    expect(await get(pk, 'taken')).toEqual({ pk, sk: 'taken', owner: 'someone' });
    expect(await get(pk, 'counter')).toEqual({ pk, sk: 'counter', count: 1 });
  });

  it('gives the old item only when ALL_OLD is asked for, and none for an item that is not there', async () => {
    const pk = partition();
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'present', v: 1 } }));
    const error = await refusal(documents.send(new TransactWriteCommand({ TransactItems: [
      { ConditionCheck: { TableName: TABLE, Key: { pk, sk: 'present' }, ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': 2 } } },
      { ConditionCheck: { TableName: TABLE, Key: { pk, sk: 'absent' }, ConditionExpression: 'attribute_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    ] })));
    expect(error.CancellationReasons).toEqual([
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    ]);
  });

  it('cancels with ValidationError, applying nothing, when an update expression cannot apply to the item', async () => {
    const pk = partition();
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'text', n: 'not a number' } }));
    const error = await refusal(documents.send(new TransactWriteCommand({ TransactItems: [
      { Put: { TableName: TABLE, Item: { pk, sk: 'new' } } },
      { Update: { TableName: TABLE, Key: { pk, sk: 'text' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } },
    ] })));
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'ValidationError', Message: 'An operand in the update expression has an incorrect data type' },
    ]);
    expect(await get(pk, 'new')).toBeUndefined();
  });

  it('refuses two operations on one item, and an element with two actions, before anything is applied', async () => {
    const pk = partition();
    const twice = await refusal(documents.send(new TransactWriteCommand({ TransactItems: [
      { Put: { TableName: TABLE, Item: { pk, sk: 'one' } } },
      { ConditionCheck: { TableName: TABLE, Key: { pk, sk: 'one' }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ] })));
    expect(twice).toMatchObject({ name: 'ValidationException', message: 'Transaction request cannot include multiple operations on one item' });
    expect(await get(pk, 'one')).toBeUndefined();

    const both = await refusal(client.send(new TransactWriteItemsCommand({ TransactItems: [
      { Put: { TableName: TABLE, Item: { pk: { S: pk }, sk: { S: 'a' } } }, Delete: { TableName: TABLE, Key: { pk: { S: pk }, sk: { S: 'b' } } } },
    ] })));
    expect(both).toMatchObject({ name: 'ValidationException', message: 'TransactItems can only contain one of Check, Put, Update or Delete' });
  });

  it('refuses a key that does not match the schema, an unknown table and a bad expression as the single-item actions do', async () => {
    const pk = partition();
    await expect(documents.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: { pk } } }] })))
      .rejects.toMatchObject({ name: 'ValidationException', message: 'One or more parameter values were invalid: Missing the key sk in the item' });
    await expect(documents.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: 'no-such-table', Key: { pk, sk: 'x' } } }] })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(documents.send(new TransactWriteCommand({ TransactItems: [{ Update: { TableName: TABLE, Key: { pk, sk: 'x' }, UpdateExpression: 'SET' } }] })))
      .rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/^Invalid UpdateExpression: Syntax error/) });
    await expect(documents.send(new TransactWriteCommand({ TransactItems: [{ Update: { TableName: TABLE, Key: { pk, sk: 'x' }, UpdateExpression: 'SET pk = :v', ExpressionAttributeValues: { ':v': 'other' } } }] })))
      .rejects.toMatchObject({ name: 'ValidationException', message: 'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key' });
  });

  it('takes up to 100 items and refuses 101', async () => {
    const pk = partition();
    const puts = (count: number) => Array.from({ length: count }, (_, i) => ({ Put: { TableName: TABLE, Item: { pk, sk: `item-${i}` } } }));
    await documents.send(new TransactWriteCommand({ TransactItems: puts(100) }));
    expect(await get(pk, 'item-99')).toEqual({ pk, sk: 'item-99' });
    await expect(documents.send(new TransactWriteCommand({ TransactItems: puts(101).map((put) => ({ Put: { ...put.Put, Item: { ...put.Put.Item, sk: `more-${put.Put.Item.sk}` } } })) })))
      .rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Member must have length less than or equal to 100') });
    expect(await get(pk, 'more-item-0')).toBeUndefined();
  });

  it('applies a request once under one client token, and refuses another request under it', async () => {
    const pk = partition();
    const token = randomUUID();
    const increment = () => new TransactWriteCommand({
      ClientRequestToken: token,
      TransactItems: [{ Update: { TableName: TABLE, Key: { pk, sk: 'counter' }, UpdateExpression: 'ADD #count :one', ExpressionAttributeNames: { '#count': 'count' }, ExpressionAttributeValues: { ':one': 1 } } }],
    });
    await documents.send(increment());
    await documents.send(increment());
    expect(await get(pk, 'counter')).toEqual({ pk, sk: 'counter', count: 1 });

    const other = await refusal(documents.send(new TransactWriteCommand({
      ClientRequestToken: token,
      TransactItems: [{ Put: { TableName: TABLE, Item: { pk, sk: 'other' } } }],
    })));
    expect(other).toBeInstanceOf(IdempotentParameterMismatchException);
    expect(await get(pk, 'other')).toBeUndefined();
  });

  it('keeps a global secondary index in step with transactional puts, updates and deletes', async () => {
    const status = `status-${randomUUID()}`;
    const moved = `moved-${randomUUID()}`;
    const inIndex = async (value: string) => ((await documents.send(new QueryCommand({
      TableName: INDEXED, IndexName: 'by-status', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': value },
    }))).Items ?? []).map((item) => item.id).sort();

    await documents.send(new TransactWriteCommand({ TransactItems: [
      { Put: { TableName: INDEXED, Item: { id: 'a', status } } },
      { Put: { TableName: INDEXED, Item: { id: 'b', status } } },
    ] }));
    expect(await inIndex(status)).toEqual(['a', 'b']);

    await documents.send(new TransactWriteCommand({ TransactItems: [
      { Delete: { TableName: INDEXED, Key: { id: 'a' } } },
      { Update: { TableName: INDEXED, Key: { id: 'b' }, UpdateExpression: 'SET #s = :moved', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':moved': moved } } },
    ] }));
    expect(await inIndex(status)).toEqual([]);
    expect(await inIndex(moved)).toEqual(['b']);
  });
});

describe('TransactGetItems', () => {
  it('reads every item, in request order, with an empty response for a missing one and projections applied', async () => {
    const pk = partition();
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'a', v: 1, extra: 'x' } }));
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'b', v: 2 } }));
    const { Responses } = await documents.send(new TransactGetCommand({ TransactItems: [
      { Get: { TableName: TABLE, Key: { pk, sk: 'b' } } },
      { Get: { TableName: TABLE, Key: { pk, sk: 'missing' } } },
      { Get: { TableName: TABLE, Key: { pk, sk: 'a' }, ProjectionExpression: '#v', ExpressionAttributeNames: { '#v': 'v' } } },
    ] }));
    expect(Responses).toEqual([{ Item: { pk, sk: 'b', v: 2 } }, {}, { Item: { v: 1 } }]);
  });
});

describe('atomicity under concurrency', () => {
  const ACCOUNTS = 5;
  const accountKey = (pk: string, i: number) => ({ pk, sk: `account-${i}` });
  const transfer = (pk: string, from: number, to: number) => documents.send(new TransactWriteCommand({ TransactItems: [
    { Update: { TableName: TABLE, Key: accountKey(pk, from), UpdateExpression: 'SET balance = balance - :one', ConditionExpression: 'balance >= :one', ExpressionAttributeValues: { ':one': 1 } } },
    { Update: { TableName: TABLE, Key: accountKey(pk, to), UpdateExpression: 'SET balance = balance + :one', ExpressionAttributeValues: { ':one': 1 } } },
  ] }));
  // mostly from accounts 0 and 1, which hold too little for every transfer asked of them, to 2, 3 and
  // 4; one in four the other way round, so that two transfers lock the same two items in either order
  const pairs = (count: number) => Array.from({ length: count }, (_, i) => {
    const [drained, filled] = [i % 2, 2 + (i % 3)];
    return (i % 4 < 3 ? [drained, filled] : [filled, drained]) as readonly [number, number];
  });
  const balances = async (pk: string) => Promise.all(Array.from({ length: ACCOUNTS }, async (_, i) => (await get(pk, `account-${i}`))!.balance as number));
  const open = (pk: string, balance: number) => Promise.all(Array.from({ length: ACCOUNTS }, (_, i) => documents.send(new PutCommand({ TableName: TABLE, Item: { ...accountKey(pk, i), balance } }))));

  it('50 transfers interleaved with 50 single-item increments on the same items: every unit accounted for, no balance below 0', async () => {
    const pk = partition();
    await open(pk, 1);
    const outcomes = new Array<number>(ACCOUNTS).fill(1);
    const move = async ([from, to]: readonly [number, number]) => {
      try {
        await transfer(pk, from, to);
        outcomes[from]! -= 1;
        outcomes[to]! += 1;
        return 'moved';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        expect(error.CancellationReasons?.map((reason) => reason.Code)).toEqual(['ConditionalCheckFailed', 'None']);
        return 'refused';
      }
    };
    const deposit = async (account: number) => {
      await documents.send(new UpdateCommand({ TableName: TABLE, Key: accountKey(pk, account), UpdateExpression: 'ADD balance :one', ExpressionAttributeValues: { ':one': 1 } }));
      outcomes[account]! += 1;
      return 'deposited';
    };
    // one after the other on the wire: a transfer, a deposit, a transfer…
    const work = pairs(50).flatMap((pair, i) => [move(pair), deposit(i % ACCOUNTS)]);
    const results = await Promise.all(work);

    const final = await balances(pk);
    expect(final.reduce((sum, balance) => sum + balance, 0)).toBe(ACCOUNTS + 50);
    expect(Math.min(...final)).toBeGreaterThanOrEqual(0);
    expect(final).toEqual(outcomes); // each account: its opening, its deposits, and exactly the transfers that were answered as done
    expect(results.filter((result) => result === 'moved').length).toBeGreaterThan(0);
    expect(results.filter((result) => result === 'refused').length).toBeGreaterThan(0);
  });

  it('TransactGetItems never sees half a transfer', async () => {
    const pk = partition();
    await open(pk, 3);
    const snapshots: number[] = [];
    const reads = Array.from({ length: 40 }, async () => {
      const { Responses } = await documents.send(new TransactGetCommand({ TransactItems: Array.from({ length: ACCOUNTS }, (_, i) => ({ Get: { TableName: TABLE, Key: accountKey(pk, i) } })) }));
      snapshots.push(Responses!.reduce((sum, response) => sum + (response.Item!.balance as number), 0));
    });
    const transfers = pairs(40).map(([from, to]) => transfer(pk, from, to).catch((error) => {
      if (!(error instanceof TransactionCanceledException)) throw error;
    }));
    await Promise.all([...reads, ...transfers]);
    expect(snapshots).toHaveLength(40);
    expect(new Set(snapshots)).toEqual(new Set([ACCOUNTS * 3]));
  });
});
