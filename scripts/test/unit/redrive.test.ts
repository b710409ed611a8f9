// The redrive's decisions (scripts/redrive.js): what a failure-queue message is, which function it
// names, which records a batch covers, and when a redelivery counts as done. Its SDK calls are
// proven against the fixture cloud (scripts/local-cloud/test/integration/fixture-cloud.test.ts).
import { classify, functionOf, invocationFailure, withinRange } from '../../redrive';

const functionArn = 'arn:aws:lambda:eu-west-1:000000000000:function:feed-dev-add-to-feed:$LATEST';

describe('classify', () => {
  it("tells an asynchronous invocation's record from a Kinesis batch's, and anything else from both", () => {
    expect(classify({ requestContext: { functionArn }, requestPayload: { Records: [] } })).toBe('async');
    expect(classify({ requestContext: { functionArn }, requestPayload: null })).toBe('async'); // an event may be null
    expect(classify({ requestContext: { functionArn }, KinesisBatchInfo: { shardId: 'shardId-000000000000', startSequenceNumber: '1', endSequenceNumber: '2' } })).toBe('kinesis');
    expect(classify({ requestContext: { functionArn } })).toBe('unknown');
    expect(classify({ requestPayload: {} })).toBe('unknown');
    expect(classify({ KinesisBatchInfo: { shardId: 's' } })).toBe('unknown');
    expect(classify('text')).toBe('unknown');
    expect(classify(undefined)).toBe('unknown');
  });
});

describe('functionOf', () => {
  it('drops a version or alias qualifier and keeps an unqualified ARN or a name', () => {
    expect(functionOf(functionArn)).toBe('arn:aws:lambda:eu-west-1:000000000000:function:feed-dev-add-to-feed');
    expect(functionOf('arn:aws:lambda:eu-west-1:000000000000:function:feed-dev-add-to-feed')).toBe('arn:aws:lambda:eu-west-1:000000000000:function:feed-dev-add-to-feed');
    expect(functionOf('feed-dev-add-to-feed')).toBe('feed-dev-add-to-feed');
  });
});

describe('withinRange', () => {
  it('compares sequence numbers as numbers, past what a double holds', () => {
    const start = '49590338271490256608559692538361571095921575989136588898';
    expect(withinRange(start, start, start)).toBe(true);
    expect(withinRange('49590338271490256608559692538361571095921575989136588899', start, '49590338271490256608559692538361571095921575989136588900')).toBe(true);
    expect(withinRange('49590338271490256608559692538361571095921575989136588897', start, '49590338271490256608559692538361571095921575989136588900')).toBe(false);
    expect(withinRange('9', '10', '20')).toBe(false); // as text, "9" sorts after "10"
  });
});

describe('invocationFailure', () => {
  const payload = (value: unknown) => Buffer.from(JSON.stringify(value));
  it('is nothing for a success, and for a batch with no failed items', () => {
    expect(invocationFailure({ StatusCode: 200, Payload: payload(null) }, { batch: false })).toBeUndefined();
    expect(invocationFailure({ StatusCode: 200 }, { batch: true })).toBeUndefined();
    expect(invocationFailure({ StatusCode: 200, Payload: payload({ batchItemFailures: [] }) }, { batch: true })).toBeUndefined();
  });
  it("is the function's error, with its message", () => {
    expect(invocationFailure({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorMessage: 'boom' }) }, { batch: false })).toBe('Unhandled: boom');
  });
  it('is a failure when a batch reports failed items, and only for a batch', () => {
    const failed = { StatusCode: 200, Payload: payload({ batchItemFailures: [{ itemIdentifier: '1' }] }) };
    expect(invocationFailure(failed, { batch: true })).toBe('1 record(s) failed again');
    expect(invocationFailure(failed, { batch: false })).toBeUndefined();
  });
});
