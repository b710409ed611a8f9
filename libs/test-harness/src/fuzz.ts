// Random requests against an endpoint, through `when`: whatever the body, path and headers, the
// answer is never a 5xx, and an error answer has the contract's shape.
import fc from 'fast-check';
import { redirectOutput } from '@yubl/logger';
import { testMode, weCall, type HttpEndpoint } from './when';

export interface FuzzOptions {
  /** values worth trying besides random ones: ids that exist, a valid token, an API key… */
  known?: { pathValues?: string[]; authorization?: string[]; apiKeys?: string[] };
  /** runs per endpoint (default: 1000 in process, 100 through the gateway) */
  runs?: number;
}

const headerValue = fc.oneof(fc.string(), fc.constantFrom('', ' ', 'application/json', 'text/plain', 'application/json; charset=utf-8', 'Bearer', 'Bearer x.y.z'));
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string(),
  fc.dictionary(fc.constantFrom('text', 'username', 'firstName', 'lastName', 'password', 'value', 'encrypted', 'expectedVersion', 'q'), fc.jsonValue()).map((value) => JSON.stringify(value)),
);

/** Fills each {param} of the route with a random or a known value, URL-encoded. */
function pathOf(resource: string, known: string[]) {
  const names = [...resource.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const segment = fc.oneof(fc.string({ minLength: 1, maxLength: 120 }), ...(known.length ? [fc.constantFrom(...known)] : []));
  return fc.tuple(...names.map(() => segment), fc.option(fc.dictionary(fc.constantFrom('limit', 'cursor', 'q', 'x'), fc.string()), { nil: undefined })).map((values) => {
    const query = values.pop() as Record<string, string> | undefined;
    let path = resource;
    for (const [index, name] of names.entries()) path = path.replace(`{${name}}`, encodeURIComponent(values[index] as string));
    return query && Object.keys(query).length ? `${path}?${new URLSearchParams(query)}` : path;
  });
}

export async function fuzzEndpoint(endpoint: HttpEndpoint, { known = {}, runs }: FuzzOptions = {}): Promise<void> {
  const mode = testMode();
  const headers = fc.record(
    {
      'content-type': headerValue,
      authorization: fc.oneof(headerValue, ...(known.authorization?.length ? [fc.constantFrom(...known.authorization)] : [])),
      'x-api-key': fc.oneof(fc.string(), ...(known.apiKeys?.length ? [fc.constantFrom(...known.apiKeys)] : [])),
      'x-correlation-id': fc.string({ maxLength: 300 }),
      'debug-log-enabled': headerValue,
      'call-chain-length': fc.oneof(fc.string(), fc.integer().map(String)),
    },
    { requiredKeys: [] },
  );
  // Header values must be sendable over HTTP: keep to printable ASCII there.
  const sendable = (value: string) => value.replace(/[^\x20-\x7e]/g, '');
  // Thousands of refused requests log thousands of lines: not worth a terminal's scroll.
  const restore = redirectOutput(() => undefined);
  try {
    await fc.assert(
    fc.asyncProperty(pathOf(endpoint.resource, known.pathValues ?? []), headers, body, async (path, rawHeaders, rawBody) => {
      const clean = Object.fromEntries(Object.entries(rawHeaders).map(([name, value]) => [name, sendable(value as string)]));
      const answer = await weCall(endpoint, { path, headers: clean, body: endpoint.method === 'GET' || endpoint.method === 'DELETE' ? undefined : rawBody ?? undefined }, mode);
      if (answer.status >= 500) throw new Error(`${endpoint.method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      if (answer.status >= 400 && !(answer.body && typeof answer.body.error?.code === 'string' && typeof answer.body.error?.message === 'string')) {
        throw new Error(`${endpoint.method} ${path} answered ${answer.status} without the contract's error body: ${JSON.stringify(answer.body)}`);
      }
    }),
    { numRuns: runs ?? (mode === 'http' ? 100 : 1000) },
    );
  } finally {
    restore();
  }
}
