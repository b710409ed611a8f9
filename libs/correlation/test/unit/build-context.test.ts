import type { APIGatewayProxyEvent, KinesisStreamRecord, SNSEventRecord } from 'aws-lambda';
import { buildContext, CallChainTooLongError, decodeKinesisData, fromApiGateway, fromSnsRecord, type CorrelationSettings } from '../../src';

const never: CorrelationSettings = { debugSampleRate: 0, maxCallChainLength: 10 };

describe('a correlation context built from what came with an event', () => {
  it('keeps at most 20 ids, the first ones', () => {
    const carried = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`x-correlation-k${i}`, `v${i}`]));
    const { ids } = buildContext(carried, 'f', {}, never);
    expect(Object.keys(ids)).toHaveLength(21); // the 20 carried, and the x-correlation-id made up for it
    expect(ids['x-correlation-k19']).toBe('v19');
    expect(ids['x-correlation-k20']).toBeUndefined();
  });

  it('takes numbers and booleans as text, lowercases the names, and cuts values at 256 characters', () => {
    const { ids } = buildContext({ 'X-Correlation-Count': 3, 'x-correlation-flag': false, 'User-Agent': 'u'.repeat(300) }, 'f', {}, never);
    expect(ids).toEqual({ 'x-correlation-count': '3', 'x-correlation-flag': 'false', 'user-agent': 'u'.repeat(256), 'x-correlation-id': 'f' });
  });

  it('takes the debug decision from "true" or true only', () => {
    expect(buildContext({ 'debug-log-enabled': true }, 'f', {}, never).debugEnabled).toBe(true);
    expect(buildContext({ 'Debug-Log-Enabled': 'true' }, 'f', {}, never).debugEnabled).toBe(true);
    for (const value of ['TRUE', 'yes', '1', false]) expect(buildContext({ 'debug-log-enabled': value }, 'f', {}, { ...never, debugSampleRate: 1 }).debugEnabled).toBe(false);
  });

  it('takes a positive whole call-chain length, and starts at 1 otherwise', () => {
    expect(buildContext({ 'call-chain-length': 4 }, 'f', {}, never).callChainLength).toBe(4);
    expect(buildContext({ 'Call-Chain-Length': '7 hops' }, 'f', {}, never).callChainLength).toBe(7);
    for (const value of ['0', '-2', 'x', '']) expect(buildContext({ 'call-chain-length': value }, 'f', {}, never).callChainLength).toBe(1);
    expect(buildContext({ 'content-length': '512', 'x-retries': 3 }, 'f', {}, never).callChainLength).toBe(1);
  });

  it('makes up an x-correlation-id when none came, or an empty one: the fallback, the request id, else a fresh UUID', () => {
    expect(buildContext({ 'x-correlation-id': '' }, 'f', { awsRequestId: 'r' }, never).ids['x-correlation-id']).toBe('f');
    expect(buildContext(undefined, '', { awsRequestId: 'r' }, never).ids['x-correlation-id']).toBe('r');
    const fresh = [buildContext(undefined, '', {}, never), buildContext(undefined, '', undefined, never)].map((c) => c.ids['x-correlation-id']);
    for (const id of fresh) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(fresh[0]).not.toBe(fresh[1]);
  });

  it('takes the function from the Lambda context, else from the environment', () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'env-fn';
    process.env.AWS_LAMBDA_FUNCTION_VERSION = '9';
    try {
      expect(buildContext(undefined, 'f', { awsRequestId: 'r', functionName: 'fn', functionVersion: '2' }, never)).toMatchObject({ awsRequestId: 'r', functionName: 'fn', functionVersion: '2' });
      expect(buildContext(undefined, 'f', {}, never)).toMatchObject({ awsRequestId: '', functionName: 'env-fn', functionVersion: '9' });
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      delete process.env.AWS_LAMBDA_FUNCTION_VERSION;
    }
    expect(buildContext(undefined, 'f', {}, never)).toMatchObject({ functionName: '', functionVersion: '' });
  });

  it('gives each context its own memo', () => {
    const a = buildContext(undefined, 'f', {}, never);
    const b = buildContext(undefined, 'f', {}, never);
    expect(a.memo).toEqual({});
    expect(a.memo).not.toBe(b.memo);
  });
});

describe('capturing from the edges of an event', () => {
  const record = (json: string) => ({ kinesis: { data: Buffer.from(json).toString('base64') } }) as KinesisStreamRecord;

  it('decodes Kinesis data that is JSON but not an object as it is', () => {
    for (const json of ['null', '5', '"text"', '[1]']) expect(decodeKinesisData(record(json))).toEqual({ data: JSON.parse(json), carried: undefined });
  });

  it('takes no SNS attribute that is missing or not a String', () => {
    const sns = { Sns: { MessageAttributes: { 'x-correlation-a': null, 'x-correlation-n': { Type: 'Number', Value: '5' }, 'x-correlation-s': { Type: 'String', Value: 's' } } } } as unknown as SNSEventRecord;
    expect(fromSnsRecord(sns, {}, never).ids).toEqual({ 'x-correlation-s': 's', 'x-correlation-id': expect.any(String) });
  });

  it('gives an SNS record without an x-correlation-id the Lambda request id', () => {
    expect(fromSnsRecord({ Sns: {} } as unknown as SNSEventRecord, { awsRequestId: 'r' }, never).ids).toEqual({ 'x-correlation-id': 'r' });
  });

  it('falls back to the Lambda request id when API Gateway`s request id is not text', () => {
    const event = { headers: {}, requestContext: { requestId: 5 } } as unknown as APIGatewayProxyEvent;
    expect(fromApiGateway(event, { awsRequestId: 'r' }, never).ids['x-correlation-id']).toBe('r');
  });

  it('names a call chain that is too long as such', () => {
    expect(new CallChainTooLongError(11, 10)).toMatchObject({ name: 'CallChainTooLongError', length: 11, max: 10 });
  });
});
