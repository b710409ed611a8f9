// The OpenSearch stand-in, spoken to by the official client exactly as ship-logs and the operator's
// commands will: its own server in process on an ephemeral port, no local cloud needed.
import { Client } from '@opensearch-project/opensearch';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenSearch } from '../../src/emulators/opensearch';

let server: Server;
let url: string;
let client: Client;
let prefix = 0;

beforeAll(async () => {
  server = createOpenSearch();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new Client({ node: url });
});
afterAll(async () => {
  await client.close();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(async () => {
  await fetch(`${url}/_local/faults`, { method: 'DELETE' });
});

/** A fresh index family per test: `t<n>-logs-…`, searched as `t<n>-logs-*`. */
const family = () => `t${(prefix += 1)}-logs`;
const failure = async (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected the request to fail'); }, (error: any) => error);
const bodyOf = (response: { body: unknown }) => response.body as any;
const setFault = (fault: object) => fetch(`${url}/_local/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });

describe('indices', () => {
  it('creates an index once, then answers resource_already_exists_exception as OpenSearch does', async () => {
    const index = `${family()}-2024.01.01`;
    expect(bodyOf(await client.indices.create({ index }))).toMatchObject({ acknowledged: true, index });
    const error = await failure(client.indices.create({ index }));
    expect(error.meta.statusCode).toBe(400);
    expect(error.meta.body.error.type).toBe('resource_already_exists_exception');
  });

  it('tells whether an index exists, and deletes it', async () => {
    const index = `${family()}-2024.01.01`;
    expect(bodyOf(await client.indices.exists({ index }))).toBe(false);
    await client.indices.create({ index });
    expect(bodyOf(await client.indices.exists({ index }))).toBe(true);
    await client.indices.delete({ index });
    expect(bodyOf(await client.indices.exists({ index }))).toBe(false);
    expect((await failure(client.indices.delete({ index }))).meta.body.error.type).toBe('index_not_found_exception');
  });
});

describe('_bulk', () => {
  it('answers every item on its own: created, updated for the same _id, 409 for a create on an existing one', async () => {
    const index = `${family()}-2024.01.01`;
    const { body } = await client.bulk({
      body: [
        { index: { _index: index, _id: 'event-1' } }, { message: 'first', level: 'info' },
        { index: { _index: index, _id: 'event-1' } }, { message: 'first, shipped twice', level: 'info' },
        { create: { _index: index, _id: 'event-1' } }, { message: 'must not replace it' },
        { create: { _index: index, _id: 'event-2' } }, { message: 'second', level: 'error' },
        { delete: { _index: index, _id: 'nobody' } },
      ],
    });
    const items = (body as any).items.map((item: object) => Object.values(item)[0]);
    expect((body as any).errors).toBe(true);
    expect(items.map((item: any) => [item._id, item.status, item.result ?? item.error.type])).toEqual([
      ['event-1', 201, 'created'],
      ['event-1', 200, 'updated'],
      ['event-1', 409, 'version_conflict_engine_exception'],
      ['event-2', 201, 'created'],
      ['nobody', 404, 'not_found'],
    ]);
    expect(items[1]._version).toBe(2);
    expect(bodyOf(await client.count({ index }))).toMatchObject({ count: 2 });
    const stored = bodyOf(await client.get({ index, id: 'event-1' }));
    expect(stored._source).toEqual({ message: 'first, shipped twice', level: 'info' });
  });

  it('takes the index from the path, creates it on first write, and says errors: false when all went in', async () => {
    const index = `${family()}-2024.01.02`;
    const { body } = await client.bulk({ index, body: [{ index: { _id: 'a' } }, { n: 1 }, { update: { _id: 'a' } }, { doc: { m: 2 } }] });
    expect(bodyOf({ body }).errors).toBe(false);
    expect(bodyOf(await client.get({ index, id: 'a' }))._source).toEqual({ n: 1, m: 2 });
  });

  it('refuses a document whose field does not fit the type its first value gave it, item by item', async () => {
    const index = `${family()}-2024.01.03`;
    const { body } = await client.bulk({ index, body: [{ index: { _id: '1' } }, { error: 'a string' }, { index: { _id: '2' } }, { error: { message: 'an object' } }] });
    expect(bodyOf({ body }).items.map((item: any) => item.index.status)).toEqual([201, 400]);
    expect(bodyOf({ body }).items[1].index.error.type).toBe('mapper_parsing_exception');
  });
});

describe('_search and _count', () => {
  let logs: string;
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

  beforeAll(async () => {
    logs = family();
    const line = (id: string, index: string, source: object) => [{ index: { _index: `${logs}-${index}`, _id: id } }, source];
    const { body } = await client.bulk({
      body: [
        ...line('1', 'day1', { '@timestamp': minutesAgo(60), level: 'error', message: 'Timeout calling followers', function: 'feed-distribute-yubl', duration: 812, context: { correlationId: 'c-1' } }),
        ...line('2', 'day1', { '@timestamp': minutesAgo(10), level: 'info', message: 'Added to feed', function: 'feed-add-to-feed', duration: 35, context: { correlationId: 'c-1' } }),
        ...line('3', 'day2', { '@timestamp': minutesAgo(5), level: 'error', message: 'DynamoDB throttled the batch', function: 'feed-add-to-feed', duration: 120, context: { correlationId: 'c-2' } }),
        ...line('4', 'day2', { '@timestamp': minutesAgo(1), level: 'warn', message: 'Slow followers page', function: 'feed-distribute-yubl', duration: 480, context: { correlationId: 'c-1' } }),
        ...line('5', 'other', { '@timestamp': minutesAgo(1), level: 'error', message: 'not a log index' }),
      ],
    });
    expect(bodyOf({ body }).errors).toBe(false);
    await client.indices.refresh({ index: `${logs}-*` }); // a no-op here, kept as callers on AWS must
  });

  const ids = (response: { body: unknown }) => bodyOf(response).hits.hits.map((hit: any) => hit._id);

  it('finds one correlation id across indices, oldest first, with term on a nested keyword', async () => {
    const response = await client.search({
      index: `${logs}-day*`,
      body: { query: { term: { 'context.correlationId.keyword': 'c-1' } }, sort: [{ '@timestamp': 'asc' }] },
    });
    expect(ids(response)).toEqual(['1', '2', '4']);
    expect(bodyOf(response).hits.total).toEqual({ value: 3, relation: 'eq' });
    // a date sorts, and shows its sort value, as epoch millis
    const [oldest] = bodyOf(response).hits.hits;
    expect(oldest).toMatchObject({ _index: `${logs}-day1`, _score: null });
    expect(oldest.sort).toEqual([Date.parse(oldest._source['@timestamp'])]);
  });

  it('combines must, filter, should and must_not in bool, with OpenSearch\'s minimum_should_match default', async () => {
    const bool = (extra: object) => ({
      filter: [{ range: { '@timestamp': { gte: 'now-15m' } } }],
      should: [{ term: { level: 'error' } }, { term: { level: 'warn' } }],
      must_not: [{ match: { message: 'throttled' } }],
      ...extra,
    });
    const search = async (query: object) => ids(await client.search({ index: `${logs}-day*`, body: { query: { bool: query }, sort: ['_doc'] } }));
    // beside a filter (or must), should clauses are optional unless minimum_should_match says otherwise
    expect(await search(bool({}))).toEqual(['2', '4']);
    expect(await search(bool({ minimum_should_match: 1 }))).toEqual(['4']);
    // alone, at least one must match
    expect(await search({ should: [{ term: { level: 'warn' } }, { match: { message: 'throttled' } }] })).toEqual(['3', '4']);
    expect(await search({ must: [{ term: { 'function.keyword': 'feed-add-to-feed' } }], must_not: [{ term: { level: 'error' } }] })).toEqual(['2']);
  });

  it('matches text case-insensitively by token, any token by default and all with operator and', async () => {
    const any = await client.search({ index: `${logs}-day*`, body: { query: { match: { message: 'FOLLOWERS batch' } }, sort: ['_doc'] } });
    expect(ids(any)).toEqual(['1', '3', '4']);
    const all = await client.search({ index: `${logs}-day*`, body: { query: { match: { message: { query: 'slow FOLLOWERS', operator: 'and' } } } } });
    expect(ids(all)).toEqual(['4']);
    // term is not analysed: the upper-case word is no token of the text field, only of its keyword
    expect(ids(await client.search({ index: `${logs}-day*`, body: { query: { term: { level: 'ERROR' } } } }))).toEqual([]);
  });

  it('sorts on several fields, pages with size, from and search_after', async () => {
    const sort: Record<string, { order: 'asc' | 'desc' }>[] = [{ 'function.keyword': { order: 'asc' } }, { duration: { order: 'desc' } }];
    const first = await client.search({ index: `${logs}-day*`, body: { sort, size: 2 } });
    expect(ids(first)).toEqual(['3', '2']);
    const next = await client.search({ index: `${logs}-day*`, body: { sort, size: 2, search_after: bodyOf(first).hits.hits[1].sort } });
    expect(ids(next)).toEqual(['1', '4']);
    expect(ids(await client.search({ index: `${logs}-day*`, body: { sort, size: 2, from: 2 } }))).toEqual(['1', '4']);
    expect(bodyOf(first).hits.total.value).toBe(4);
  });

  it('ranges over numbers and dates, and counts what a query matches', async () => {
    expect(ids(await client.search({ index: `${logs}-*`, body: { query: { range: { duration: { gt: 100, lte: 480 } } }, sort: ['_doc'] } }))).toEqual(['3', '4']);
    expect(bodyOf(await client.count({ index: `${logs}-*`, body: { query: { range: { '@timestamp': { lt: 'now-30m' } } } } })).count).toBe(1);
    expect(bodyOf(await client.count({ index: `${logs}-day1,${logs}-day2`, body: { query: { exists: { field: 'duration' } } } })).count).toBe(4);
    expect(bodyOf(await client.count({ index: `${logs}-*` })).count).toBe(5);
  });

  it('refuses what OpenSearch refuses: sorting on a text field, an unknown index, an unserved query', async () => {
    const text = await failure(client.search({ index: `${logs}-*`, body: { sort: ['message'] } }));
    expect(text.meta.statusCode).toBe(400);
    expect(text.meta.body.error.reason).toMatch(/Text fields are not optimised/);
    expect((await failure(client.search({ index: `${logs}-nope` }))).meta.statusCode).toBe(404);
    expect((await failure(client.search({ index: `${logs}-*`, body: { query: { fuzzy: { message: 'x' } } } }))).meta.body.error.type).toBe('parsing_exception');
    // A document read through a pattern that matches no index: no such index, not a failure of its own.
    const unmatched = await failure(client.get({ index: `${logs}-none*`, id: '1' }));
    expect(unmatched.meta.statusCode).toBe(404);
    expect(unmatched.meta.body.error.type).toBe('index_not_found_exception');
  });
});

describe('the fault switch', () => {
  it('answers the next N bulk items 429, then takes writes again', async () => {
    const index = `${family()}-2024.01.01`;
    expect((await setFault({ status: 429, times: 2, scope: 'items' })).status).toBe(200);
    const docs = ['a', 'b', 'c'].flatMap((id) => [{ index: { _index: index, _id: id } }, { id }]);
    const first = bodyOf(await client.bulk({ body: docs }));
    expect(first.errors).toBe(true);
    expect(first.items.map((item: any) => item.index.status)).toEqual([429, 429, 201]);
    expect(first.items[0].index.error.type).toBe('es_rejected_execution_exception');
    const retried = bodyOf(await client.bulk({ body: docs.slice(0, 4) }));
    expect(retried.items.map((item: any) => item.index.status)).toEqual([201, 201]);
    expect(bodyOf(await client.count({ index })).count).toBe(3);
  });

  it('answers whole requests 503 while it is on, and the client recovers once it is off', async () => {
    const index = `${family()}-2024.01.01`;
    await client.indices.create({ index });
    await setFault({ status: 503, times: 2, scope: 'requests' });
    // The client retries a 503 on its own (maxRetries 3 by default): the third attempt goes through.
    expect(bodyOf(await client.count({ index })).count).toBe(0);
    await setFault({ status: 429, forMs: 60_000, scope: 'requests' });
    const refused = await failure(client.bulk({ body: [{ index: { _index: index } }, { a: 1 }] }));
    expect(refused.meta.statusCode).toBe(429);
    await fetch(`${url}/_local/faults`, { method: 'DELETE' });
    expect(bodyOf(await client.bulk({ body: [{ index: { _index: index } }, { a: 1 }] })).errors).toBe(false);
  });
});
