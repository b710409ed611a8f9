// What the DynamoDB transactions take from dynalite's insides, pinned: if a dynalite release renames
// or reshapes any of it, these fail before the emulator misbehaves. And the client-token window.
import { createDynamodbServer, createTokenRegistry, loadDynaliteUpdateCode as loadUntyped } from '../../src/emulators/dynamodb-transactions';

interface DynaliteUpdateCode {
  applyUpdateExpression: (sections: unknown, table: object, item: Record<string, any>) => (Error & { statusCode: number }) | undefined;
  deepClone: <T>(value: T) => T;
}
const loadDynaliteUpdateCode = loadUntyped as () => DynaliteUpdateCode;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validations = require('dynalite/validations');

/** An update expression parsed by dynalite's own validation, as UpdateItem would parse it. */
function parsedUpdate(expression: string, values: Record<string, unknown>) {
  const data: Record<string, any> = { UpdateExpression: expression, ExpressionAttributeValues: values };
  expect(validations.validateExpressions(data)).toBeUndefined();
  return data._updates.sections;
}

const table = { TableName: 'pinned', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] };

describe("dynalite's update-expression code, compiled from actions/updateItem.js", () => {
  it('hands out applyUpdateExpression and deepClone', () => {
    const { applyUpdateExpression, deepClone } = loadDynaliteUpdateCode();
    expect(typeof applyUpdateExpression).toBe('function');
    expect(applyUpdateExpression).toHaveLength(3); // (sections, table, item)
    const original = { id: { S: 'a' }, tags: { SS: ['x'] } };
    const copy = deepClone(original);
    expect(copy).toEqual(original);
    expect(copy.tags).not.toBe(original.tags);
  });

  it('applies SET, ADD, REMOVE and if_not_exists to the item in place, and returns nothing', () => {
    const { applyUpdateExpression } = loadDynaliteUpdateCode();
    const item: Record<string, any> = { id: { S: 'a' }, n: { N: '1' }, gone: { S: 'x' } };
    const sections = parsedUpdate('SET created = if_not_exists(created, :now), label = :label ADD n :two REMOVE gone', {
      ':now': { S: 't0' }, ':label': { S: 'L' }, ':two': { N: '2' },
    });
    expect(applyUpdateExpression(sections, table, item)).toBeUndefined();
    expect(item).toEqual({ id: { S: 'a' }, n: { N: '3' }, created: { S: 't0' }, label: { S: 'L' } });
  });

  it('returns a ValidationException error (not a throw) for an operand of the wrong type', () => {
    const { applyUpdateExpression } = loadDynaliteUpdateCode();
    const error = applyUpdateExpression(parsedUpdate('ADD n :one', { ':one': { N: '1' } }), table, { id: { S: 'a' }, n: { S: 'text' } });
    expect(error).toMatchObject({ statusCode: 400, message: 'An operand in the update expression has an incorrect data type' });
  });
});

describe("dynalite's store, captured through dynalite/db's create", () => {
  it('is reached, and the server keeps one request listener: the front', async () => {
    const server = createDynamodbServer({ createTableMs: 0 });
    expect(server.listeners('request')).toHaveLength(1);
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('the client-token window', () => {
  /** A commit that stays in flight until the test ends it. */
  function heldOpen<T>(value: T) {
    let end!: () => void;
    const done = new Promise<T>((resolve) => (end = () => resolve(value)));
    return { commit: () => done, end };
  }

  it('answers a committed request again without running it, for 10 minutes after it completed', async () => {
    let clock = 0;
    const registry = createTokenRegistry(() => clock);
    const commit = jest.fn(async () => ({ committed: true }));
    await expect(registry.run('t', 'request-1', commit)).resolves.toEqual({ committed: true });
    clock += 10 * 60 * 1000 - 1;
    await expect(registry.run('t', 'request-1', commit)).resolves.toEqual({ committed: true });
    expect(commit).toHaveBeenCalledTimes(1);
    clock += 1;
    await registry.run('t', 'request-1', commit);
    expect(commit).toHaveBeenCalledTimes(2);
  });

  it('refuses a different request under the same token, and the same one while it is in progress', async () => {
    const registry = createTokenRegistry(() => 0);
    const inFlight = heldOpen({});
    const first = registry.run('t', 'request-1', inFlight.commit);
    await expect(registry.run('t', 'request-1', async () => ({}))).rejects.toMatchObject({ body: { __type: expect.stringMatching(/#TransactionInProgressException$/) } });
    await expect(registry.run('t', 'request-2', async () => ({}))).rejects.toMatchObject({ body: { __type: expect.stringMatching(/#IdempotentParameterMismatchException$/) } });
    inFlight.end();
    await first;
    await expect(registry.run('t', 'request-2', async () => ({}))).rejects.toMatchObject({ body: { __type: expect.stringMatching(/#IdempotentParameterMismatchException$/) } });
  });

  it('forgets the token of a request that failed, so a retry runs afresh', async () => {
    const registry = createTokenRegistry(() => 0);
    await expect(registry.run('t', 'request-1', async () => { throw new Error('cancelled'); })).rejects.toThrow('cancelled');
    await expect(registry.run('t', 'request-1', async () => ({ second: true }))).resolves.toEqual({ second: true });
  });
});
