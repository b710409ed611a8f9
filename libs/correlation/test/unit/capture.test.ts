import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, KinesisStreamRecord, SNSEventRecord } from 'aws-lambda';
import fc from 'fast-check';
import { lambdaContext } from '@yubl/test-harness';
import { decodeKinesisData, fromApiGateway, fromDirectInvocation, fromKinesisRecord, fromSnsRecord, type CorrelationSettings } from '../../src';
import apiGatewayV1 from './fixtures/api-gateway-v1.json';
import apiGatewayV2 from './fixtures/api-gateway-v2.json';
import directInvocation from './fixtures/direct-invocation.json';
import kinesisRecord from './fixtures/kinesis-record.json';
import snsRecord from './fixtures/sns-record.json';

const never: CorrelationSettings = { debugSampleRate: 0, maxCallChainLength: 10 };
const always: CorrelationSettings = { debugSampleRate: 1, maxCallChainLength: 10 };
const context = lambdaContext({ functionName: 'yubls-dev-post' });

describe('capturing correlation ids', () => {
  it('takes every x-correlation-* header, user-agent and the debug decision from API Gateway v1, whatever their case, and a client\'s chain length not at all', () => {
    const captured = fromApiGateway(apiGatewayV1 as unknown as APIGatewayProxyEvent, context, never);
    expect(captured.ids).toEqual({ 'x-correlation-id': 'client-id-1', 'x-correlation-user-id': 'user-7', 'user-agent': 'yubl-ios/4.2' });
    expect(captured.debugEnabled).toBe(true);
    expect(captured.callChainLength).toBe(1); // the fixture's Call-Chain-Length: 3 comes with no proof
    expect(captured).toMatchObject({ awsRequestId: context.awsRequestId, functionName: 'yubls-dev-post', functionVersion: '$LATEST' });
  });

  it('never takes other headers, such as Authorization', () => {
    const captured = fromApiGateway(apiGatewayV1 as unknown as APIGatewayProxyEvent, context, never);
    expect(JSON.stringify(captured)).not.toContain('Bearer');
  });

  it('uses the API Gateway request id when the client sent no x-correlation-id, and starts the chain at 1', () => {
    const captured = fromApiGateway(apiGatewayV2 as unknown as APIGatewayProxyEventV2, context, never);
    expect(captured.ids).toEqual({ 'x-correlation-id': 'apigw-v2-request-1', 'user-agent': 'curl/8' });
    expect(captured.callChainLength).toBe(1);
  });

  it('samples debug logging at the first hop only, and honours the decision after that', () => {
    const first = apiGatewayV2 as unknown as APIGatewayProxyEventV2;
    expect(fromApiGateway(first, context, always).debugEnabled).toBe(true);
    expect(fromApiGateway(first, context, never).debugEnabled).toBe(false);
    const told = { ...first, headers: { 'debug-log-enabled': 'false' } } as APIGatewayProxyEventV2;
    expect(fromApiGateway(told, context, always).debugEnabled).toBe(false);
  });

  it('takes a Kinesis record `__context__` out of its data', () => {
    const { data, carried } = decodeKinesisData(kinesisRecord as KinesisStreamRecord);
    expect(data).toEqual({ type: 'yubl-posted', id: 'e1', data: { text: 'hi' } });
    const captured = fromKinesisRecord(carried, context, always);
    expect(captured.ids).toEqual({ 'x-correlation-id': 'stream-id-1' });
    expect(captured.debugEnabled).toBe(false);
    expect(captured.callChainLength).toBe(2);
  });

  it('falls back to the Lambda request id for a record without `__context__`', () => {
    const record = { kinesis: { data: Buffer.from('{"type":"x"}').toString('base64') } } as KinesisStreamRecord;
    const { carried } = decodeKinesisData(record);
    expect(fromKinesisRecord(carried, context, never).ids).toEqual({ 'x-correlation-id': context.awsRequestId });
  });

  it('takes String message attributes of an SNS record, and only those', () => {
    const captured = fromSnsRecord(snsRecord as unknown as SNSEventRecord, context, never);
    expect(captured.ids).toEqual({ 'x-correlation-id': 'sns-id-1', 'x-correlation-user-id': 'user-9' });
    expect(captured.debugEnabled).toBe(true);
    expect(captured.callChainLength).toBe(4);
  });

  it('takes a direct invocation `__context__`', () => {
    const captured = fromDirectInvocation(directInvocation, context, never);
    expect(captured.ids).toEqual({ 'x-correlation-id': 'invoke-id-1' });
    expect(captured).toMatchObject({ debugEnabled: true, callChainLength: 5 });
  });

  it('cuts over-long ids and ignores values that are not scalars', () => {
    const event = { headers: { 'x-correlation-id': 'a'.repeat(1_000), 'x-correlation-list': ['a'], 'call-chain-length': 'many' } } as unknown as APIGatewayProxyEvent;
    const captured = fromApiGateway(event, context, never);
    expect(captured.ids['x-correlation-id']).toHaveLength(256);
    expect(captured.ids['x-correlation-list']).toBeUndefined();
    expect(captured.callChainLength).toBe(1);
  });

  it('never throws, whatever the event, and always yields an x-correlation-id', () => {
    const anyEvent = fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 4 });
    const eventWithHeaders = fc.record({ headers: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))), requestContext: anyEvent });
    fc.assert(
      fc.property(fc.oneof(anyEvent, eventWithHeaders), (event) => {
        for (const captured of [
          fromApiGateway(event as never, context, never),
          fromDirectInvocation(event, context, never),
          fromSnsRecord(event as never, context, never),
          fromKinesisRecord(event as never, context, never),
        ]) {
          expect(typeof captured.ids['x-correlation-id']).toBe('string');
          expect(captured.ids['x-correlation-id']!.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
