// Random requests against an endpoint, through `when`, each judged against the contract (docs/api.md):
// a request that breaks one of the endpoint's rules gets one of the statuses those rules document
// (a 2xx is a failure), one that breaks none gets one of the endpoint's answers; never a 5xx (a 503
// "try again shortly" is sent again as a client would, and fails only if it lasts); every
// error in the contract's shape; x-correlation-id on every response. The rules come from the
// service's test, written from docs/api.md, never from the service's own validators: an oracle that
// shares the code under test passes whatever that code does.
import fc from 'fast-check';
import { redirectOutput } from '@yubl/logger';
import { hasErrorShape, retryAfterMs } from './contract';
import { testMode, weCall, type HttpAnswer, type HttpEndpoint } from './when';

/** One random request, as it was sent. */
export interface FuzzRequest {
  method: string;
  path: string;
  /** each path parameter's value, before encoding */
  params: Record<string, string>;
  query: Record<string, string>;
  /** header names in lower case */
  headers: Record<string, string>;
  body: string | undefined;
}

/** A rule of the contract: the statuses a request that breaks it may get, or undefined when it keeps it. */
export type FuzzRule = (request: FuzzRequest) => readonly number[] | undefined;

/** A Standard Schema validator (valibot's, say) with a synchronous check. */
export interface ContractSchema {
  readonly '~standard': { validate(value: unknown): { issues?: readonly unknown[] } | PromiseLike<unknown> };
}

export interface FuzzOptions {
  /** values worth trying besides random ones: ids that exist, a valid Authorization header, an API key… */
  known?: { pathValues?: string[]; authorization?: string[]; apiKeys?: string[] };
  /** valid bodies: sent as they are, and with fields changed, dropped or resized */
  bodies?: Record<string, unknown>[];
  /** the endpoint's rules (jsonBody, bearerToken, apiKey, pageQuery, knownValue, or the test's own) */
  rules?: FuzzRule[];
  /** what a request that breaks no rule may get (default 200), or a function of the request */
  accepts?: readonly number[] | ((request: FuzzRequest) => readonly number[]);
  /** runs per endpoint (default: 1000 in process, 100 through the gateway) */
  runs?: number;
  /** path parameters never to send: what the shared test cloud must keep (the JWT secret, say) */
  never?: (params: Record<string, string>) => boolean;
}

// ---- rules: the conventions of docs/api.md's HTTP section ----------------------------------------------

const JSON_TYPE = /^application\/json\s*(?:;|$)/i;
const MAX_BODY_BYTES = 64 * 1024;

function keeps(schema: ContractSchema, value: unknown): boolean {
  const result = schema['~standard'].validate(value);
  if (typeof (result as PromiseLike<unknown>).then === 'function') throw new Error('the fuzz needs a synchronous schema');
  return !(result as { issues?: readonly unknown[] }).issues;
}

/**
 * JSON in: a body over 64 KiB gets 413, one not sent as application/json 415, one that does not
 * parse 400; with a schema, a body it refuses (or no body) 400. Without one, any JSON body will do.
 */
export const jsonBody =
  (schema?: ContractSchema): FuzzRule =>
  ({ body, headers }) => {
    if (body === undefined || body === '') return schema ? [400] : undefined;
    const statuses: number[] = [];
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) statuses.push(413);
    if (!JSON_TYPE.test(headers['content-type'] ?? '')) statuses.push(415);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return [...statuses, 400];
    }
    if (schema && !keeps(schema, value)) statuses.push(400);
    return statuses.length ? statuses : undefined;
  };

/**
 * Text a person writes, as the contract takes it: no control characters and no lone surrogates
 * (a line break only where `lineBreaks`). Written apart from the services' own check on purpose:
 * a test's oracle must not move when the code under test does.
 */
export const isContractText = (value: string, { lineBreaks = false }: { lineBreaks?: boolean } = {}): boolean =>
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  !(lineBreaks ? /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/u : /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u).test(value);

/** Auth: anything but one of these Authorization headers (valid bearer tokens) gets 401. */
export const bearerToken =
  (valid: readonly string[]): FuzzRule =>
  ({ headers }) =>
    valid.includes(headers.authorization ?? '') ? undefined : [401];

/** An x-api-key other than these gets `status` (403 from API Gateway; a function may say so too). */
export const apiKey =
  (valid: readonly string[], status = 403): FuzzRule =>
  ({ headers }) =>
    valid.includes(headers['x-api-key'] ?? '') ? undefined : [status];

/**
 * Lists: ?limit= a whole number from 1 to `max` (100 unless the list allows more; empty means the
 * default), ?cursor= only one the service issued (a random one never is): else 400.
 */
export const pageQuery =
  ({ max = 100 }: { max?: number } = {}): FuzzRule =>
  ({ query }) => {
    const { limit = '', cursor = '' } = query;
    const badLimit = limit !== '' && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= max);
    return badLimit || cursor !== '' ? [400] : undefined;
  };

/** A path parameter that names nothing known gets one of `statuses` (docs/api.md: a well-formed id that names nothing, 404). */
export const knownValue =
  (param: string, values: readonly string[], statuses: readonly number[] = [404]): FuzzRule =>
  ({ params }) =>
    params[param] !== undefined && !values.includes(params[param]!) ? statuses : undefined;

// ---- random requests ----------------------------------------------------------------------------

const headerValue = fc.oneof(fc.string(), fc.constantFrom('', ' ', 'application/json', 'text/plain', 'application/json; charset=utf-8', 'Bearer', 'Bearer x.y.z'));
/** mostly `often`, sometimes anything */
const mostly = (often: string[], weight = 3) => (often.length ? fc.oneof({ weight, arbitrary: fc.constantFrom(...often) }, { weight: 1, arbitrary: headerValue }) : headerValue);
/** absent one time in `freq` */
const sometimesAbsent = <T>(arbitrary: fc.Arbitrary<T>, freq = 4) => fc.option(arbitrary, { nil: undefined, freq });

const ABSENT = Symbol('absent');

/** A field's value changed: dropped, any JSON, any string, or (for a string) its own characters at another length. */
function variantOf(value: unknown): fc.Arbitrary<unknown> {
  const variants: fc.Arbitrary<unknown>[] = [fc.constant(ABSENT), fc.jsonValue(), fc.string()];
  if (typeof value === 'string' && value.length > 0) {
    variants.push(fc.nat({ max: 700 }).map((length) => value.repeat(Math.ceil(length / value.length)).slice(0, length)));
  }
  return fc.oneof(...variants);
}

/** A valid body with each field kept (most of the time) or changed. */
function nearly(example: Record<string, unknown>): fc.Arbitrary<string> {
  const fields = Object.entries(example);
  return fc
    .tuple(...fields.map(([, value]) => fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: variantOf(value) })))
    .map((values) => JSON.stringify(Object.fromEntries(fields.map(([key], index) => [key, values[index]]).filter(([, value]) => value !== ABSENT))));
}

function bodies(examples: Record<string, unknown>[]): fc.Arbitrary<string | undefined> {
  const keys = [...new Set(examples.flatMap((example) => Object.keys(example)))];
  const random: fc.Arbitrary<string | undefined>[] = [fc.constant(undefined), fc.jsonValue().map((value) => JSON.stringify(value)), fc.string()];
  if (keys.length) random.push(fc.dictionary(fc.constantFrom(...keys), fc.jsonValue()).map((value) => JSON.stringify(value)));
  return fc.oneof(...random.map((arbitrary) => ({ weight: 1, arbitrary })), ...examples.map((example) => ({ weight: 2, arbitrary: nearly(example) })));
}

/** Each {param} of the route filled with a random or (mostly) a known value; a query string or none. */
function paths(resource: string, known: string[]) {
  const names = [...resource.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  // `.` and `..` are not values: a URL client resolves them into another path.
  const random = fc.string({ minLength: 1, maxLength: 120 }).filter((segment) => segment !== '.' && segment !== '..');
  const segment = known.length ? fc.oneof({ weight: 1, arbitrary: random }, { weight: 3, arbitrary: fc.constantFrom(...known) }) : random;
  const queryValue = fc.oneof(fc.string(), fc.integer({ min: -5, max: 1_200 }).map(String));
  const query = fc.option(fc.dictionary(fc.constantFrom('limit', 'cursor', 'q', 'x'), queryValue), { nil: undefined });
  return fc.tuple(fc.array(segment, { minLength: names.length, maxLength: names.length }), query).map(([values, rawQuery = {}]) => {
    const params = Object.fromEntries(names.map((name, index) => [name, values[index]!]));
    let path = resource;
    for (const name of names) path = path.replace(`{${name}}`, encodeURIComponent(params[name]!));
    const search = new URLSearchParams(rawQuery).toString();
    return { path: search ? `${path}?${search}` : path, params, query: Object.fromEntries(new URLSearchParams(search)) };
  });
}

// ---- the verdict --------------------------------------------------------------------------------

const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+\s*(?:;.*)?$/;
const MAX_CALL_CHAIN_LENGTH = Number(process.env.MAX_CALL_CHAIN_LENGTH ?? 10);

/** What is wrong with the answer to a request, or undefined when nothing is. */
export function verdict(request: FuzzRequest, answer: HttpAnswer, { rules = [], accepts = [200] }: Pick<FuzzOptions, 'rules' | 'accepts'>): string | undefined {
  if (answer.status >= 500) return `a ${answer.status}`;
  if (!answer.headers['x-correlation-id']) return `${answer.status} without x-correlation-id`;
  if (answer.status >= 400 && !hasErrorShape(answer.body)) return `${answer.status} without the contract's error body`;
  // A content-type that is no media type at all is invalid input, whatever else the request is
  // (serverless-offline, in front of the functions locally, refuses it so).
  if (answer.status === 400 && request.headers['content-type'] !== undefined && !MEDIA_TYPE.test(request.headers['content-type'])) return undefined;
  // Known, and another issue's: a client's call-chain-length still counts toward the limit
  // (docs/api.md says it never does). Tolerated here so that the fuzz judges everything else.
  if (answer.status === 400 && answer.body.error.code === 'CallChainTooLong' && Number.parseInt(request.headers['call-chain-length'] ?? '', 10) >= MAX_CALL_CHAIN_LENGTH) return undefined;
  const refusals = rules.map((rule) => rule(request)).filter((statuses) => statuses !== undefined && statuses.length > 0);
  if (refusals.length > 0) {
    const allowed = [...new Set(refusals.flat())];
    return allowed.includes(answer.status) ? undefined : `${answer.status} for a request the contract refuses with ${allowed.join(' or ')}`;
  }
  const allowed = typeof accepts === 'function' ? accepts(request) : accepts;
  return allowed.includes(answer.status) ? undefined : `${answer.status} for a request that breaks no rule (expected ${allowed.join(' or ')})`;
}

/** How many times a request is sent when each answer is the contract's "try again shortly". */
const UNAVAILABLE_ATTEMPTS = 3;

const isRetryableUnavailable = (answer: HttpAnswer) => answer.status === 503 && answer.body?.error?.code === 'ServiceUnavailable' && answer.headers['retry-after'] !== undefined;

/**
 * Sends a request again, as docs/api.md tells a client to, while it is answered 503
 * ServiceUnavailable with Retry-After: a dependency that did not answer in time (dynalite under the
 * side-by-side suite's load, say) is not the input's fault, and every write is safe to retry. The
 * wait is the answer's own Retry-After, the client's side of the contract. An input that is answered
 * so every time still fails: the verdict judges the last answer.
 */
export async function callRetryingUnavailable(call: () => Promise<HttpAnswer>, attempts = UNAVAILABLE_ATTEMPTS): Promise<HttpAnswer> {
  let answer = await call();
  for (let attempt = 1; attempt < attempts && isRetryableUnavailable(answer); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs(answer.headers['retry-after'])));
    answer = await call();
  }
  return answer;
}

export async function fuzzEndpoint(endpoint: HttpEndpoint, { known = {}, runs, bodies: examples = [], never = () => false, ...judging }: FuzzOptions = {}): Promise<void> {
  const mode = testMode();
  const headers = fc.record({
    'content-type': sometimesAbsent(mostly(['application/json'])),
    authorization: sometimesAbsent(mostly(known.authorization ?? [])),
    'x-api-key': sometimesAbsent(mostly(known.apiKeys ?? [])),
    'x-correlation-id': sometimesAbsent(fc.string({ maxLength: 300 }), 2),
    'debug-log-enabled': sometimesAbsent(headerValue, 2),
    'call-chain-length': fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer({ min: -2, max: 12 }).map(String)) }),
  });
  // Header values must be sendable over HTTP: keep to printable ASCII there. Through the gateway an
  // empty header is left out: serverless-offline, in front of the functions locally, fills in
  // content-type: application/json for an empty one, which API Gateway does not.
  const sendable = (value: string) => value.replace(/[^\x20-\x7e]/g, '');
  const toSend = (name: string, value: string | undefined) => value !== undefined && !(mode === 'http' && value.trim() === '') ? [[name, sendable(value)]] : [];
  const withBody = endpoint.method !== 'GET' && endpoint.method !== 'DELETE';
  const body = withBody ? bodies(examples) : fc.constant(undefined);
  // Thousands of refused requests log thousands of lines: not worth a terminal's scroll.
  const restore = redirectOutput(() => undefined);
  try {
    await fc.assert(
      fc.asyncProperty(paths(endpoint.resource, known.pathValues ?? []).filter((target) => !never(target.params)), headers, body, async (target, rawHeaders, rawBody) => {
        const sent = Object.fromEntries(Object.entries(rawHeaders).flatMap(([name, value]) => toSend(name, value)));
        const request: FuzzRequest = { method: endpoint.method, ...target, headers: sent, body: rawBody };
        const answer = await callRetryingUnavailable(() => weCall(endpoint, { path: request.path, headers: sent, body: rawBody }, mode));
        const wrong = verdict(request, answer, judging);
        if (wrong) throw new Error(`${endpoint.method} ${request.path} (${mode}) answered ${wrong}: ${JSON.stringify(answer.body)}`);
      }),
      { numRuns: runs ?? (mode === 'http' ? 100 : 1000) },
    );
  } finally {
    restore();
  }
}
