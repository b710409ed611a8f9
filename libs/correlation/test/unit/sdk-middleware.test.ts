import { buildContext, forwardCorrelation, MessageAttributesFullError, runWithContext, withAttributes } from '../../src';

type Handler = (args: { input: Record<string, unknown> }) => Promise<unknown>;
type Middleware = (next: Handler, context: { clientName?: string; commandName?: string }) => Handler;

/** The part of an SDK v3 client forwardCorrelation touches: a middleware stack, and send() through it. */
function fakeClient() {
  const added: { middleware: Middleware; options: Record<string, unknown> }[] = [];
  const client = {
    middlewareStack: { add: (middleware: Middleware, options: Record<string, unknown>) => void added.push({ middleware, options }) },
    added,
    /** what the SDK would put on the wire for this command and input */
    async send(commandName: string, input: Record<string, unknown>, clientName?: string): Promise<Record<string, unknown>> {
      let sent: Record<string, unknown> = {};
      const terminal: Handler = async (args) => (sent = args.input);
      const handler = added.reduceRight<Handler>((next, { middleware }) => middleware(next, { clientName, commandName }), terminal);
      await handler({ input });
      return sent;
    },
  };
  return client;
}

const context = buildContext({ 'x-correlation-id': 'c1', 'call-chain-length': '1', 'user-agent': 'app' }, '', { awsRequestId: 'r1' }, { debugSampleRate: 0, maxCallChainLength: 10 });
const carried = { 'x-correlation-id': 'c1', 'debug-log-enabled': 'false', 'call-chain-length': '2' };
const inInvocation = <T>(fn: () => Promise<T>) => runWithContext(context, fn);

describe('forwardCorrelation', () => {
  it('adds one middleware at the initialize step, under one name, so that adding it twice replaces it', () => {
    const client = fakeClient();
    expect(forwardCorrelation(client)).toBe(client);
    expect(client.added.map(({ options }) => options)).toEqual([{ step: 'initialize', name: 'yublForwardCorrelation', override: true }]);
  });

  it('puts the ids in a Kinesis record`s JSON `__context__`, as bytes when the data was bytes', async () => {
    const client = forwardCorrelation(fakeClient());
    const sent = await inInvocation(() => client.send('PutRecordCommand', { StreamName: 's', Data: Buffer.from('{"type":"t"}') }));
    expect(sent.StreamName).toBe('s');
    expect(sent.Data).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(Buffer.from(sent.Data as Uint8Array).toString('utf8'))).toEqual({ type: 't', __context__: carried });
  });

  it('does the same for every record of PutRecords, and for string data as a string', async () => {
    const client = forwardCorrelation(fakeClient());
    const sent = await inInvocation(() => client.send('PutRecordsCommand', { Records: [{ Data: '{"a":1}', PartitionKey: 'k' }, { Data: '{"b":2}' }] }));
    expect(sent.Records).toEqual([
      { Data: JSON.stringify({ a: 1, __context__: carried }), PartitionKey: 'k' },
      { Data: JSON.stringify({ b: 2, __context__: carried }) },
    ]);
  });

  it('leaves data that is not a JSON object as it is', async () => {
    const client = forwardCorrelation(fakeClient());
    for (const Data of ['plain text', '[1,2]', '{not json', 42, undefined, Buffer.from('[1,2]'), Buffer.from('{not json')]) {
      expect((await inInvocation(() => client.send('PutRecordCommand', { Data }))).Data).toBe(Data);
    }
    expect(await inInvocation(() => client.send('PutRecordsCommand', { StreamName: 's' }))).toEqual({ StreamName: 's', Records: undefined });
    expect(await inInvocation(() => client.send('PublishBatchCommand', { TopicArn: 't' }))).toEqual({ TopicArn: 't', PublishBatchRequestEntries: undefined });
  });

  it('adds the ids to an SNS message as String attributes, keeping the caller`s, up to SNS`s 10', async () => {
    const client = forwardCorrelation(fakeClient());
    const own = { 'x-correlation-id': { DataType: 'String', StringValue: 'mine' }, kind: { DataType: 'String', StringValue: 'k' } };
    const sent = await inInvocation(() => client.send('PublishCommand', { Message: '{}', MessageAttributes: own }));
    expect(sent.MessageAttributes).toEqual({
      ...own,
      'debug-log-enabled': { DataType: 'String', StringValue: 'false' },
      'call-chain-length': { DataType: 'String', StringValue: '2' },
    });
    const eight = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: String(i) }]));
    const full = await inInvocation(() => client.send('PublishCommand', { Message: '{}', MessageAttributes: eight }));
    expect(Object.keys(full.MessageAttributes as object)).toEqual([...Object.keys(eight), 'x-correlation-id', 'call-chain-length']);
  });

  it('keeps x-correlation-id and call-chain-length first when more ids are carried than fit, dropping other ids only', () => {
    // Twelve other ids, listed before the two that matter, as a client's headers may come.
    const others = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x-correlation-extra-${i}`, `e${i}`]));
    const many = { ...others, 'debug-log-enabled': 'true', 'call-chain-length': '4', 'x-correlation-id': 'c9' };
    const sent = withAttributes(undefined, many);
    expect(Object.keys(sent)).toHaveLength(10);
    expect(Object.keys(sent).slice(0, 3)).toEqual(['x-correlation-id', 'call-chain-length', 'debug-log-enabled']);
    expect(sent['x-correlation-id']).toEqual({ DataType: 'String', StringValue: 'c9' });
    expect(sent['call-chain-length']).toEqual({ DataType: 'String', StringValue: '4' });
    expect(Object.keys(sent).slice(3)).toEqual(Object.keys(others).slice(0, 7));
    // With the message's own attributes, the two still come first among the carried.
    const own = { kind: { DataType: 'String', StringValue: 'k' }, shard: { DataType: 'Number', StringValue: '3' } };
    expect(Object.keys(withAttributes(own, many))).toEqual(['kind', 'shard', 'x-correlation-id', 'call-chain-length', 'debug-log-enabled', ...Object.keys(others).slice(0, 5)]);
  });

  it('refuses a message whose own attributes leave no room for the two', () => {
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: String(i) }]));
    expect(() => withAttributes(nine, carried)).toThrow(MessageAttributesFullError);
    expect(() => withAttributes(nine, carried)).toThrow(/9 attributes of its own leaves no room/);
    const ten = { ...nine, a9: { DataType: 'String', StringValue: '9' } };
    expect(() => withAttributes(ten, carried)).toThrow(MessageAttributesFullError);
  });

  it('does the same for every entry of PublishBatch, and for a message without attributes', async () => {
    const client = forwardCorrelation(fakeClient());
    const sent = await inInvocation(() => client.send('PublishBatchCommand', { PublishBatchRequestEntries: [{ Id: '1', Message: 'a' }] }));
    expect(sent.PublishBatchRequestEntries).toEqual([
      { Id: '1', Message: 'a', MessageAttributes: Object.fromEntries(Object.entries(carried).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])) },
    ]);
  });

  it('puts the ids in a Lambda Invoke payload`s `__context__`, making a payload when there is none', async () => {
    const client = forwardCorrelation(fakeClient());
    const sent = await inInvocation(() => client.send('InvokeCommand', { FunctionName: 'f', Payload: Buffer.from('{"x":1}') }));
    expect(JSON.parse(Buffer.from(sent.Payload as Uint8Array).toString('utf8'))).toEqual({ x: 1, __context__: carried });
    const empty = await inInvocation(() => client.send('InvokeCommand', { FunctionName: 'f' }));
    expect(JSON.parse(empty.Payload as string)).toEqual({ __context__: carried });
  });

  it('puts the ids in an IoT data plane Publish`s payload `__context__` and its MQTT 5 user properties, after the caller`s; SNS`s Publish stays SNS`s', async () => {
    const client = forwardCorrelation(fakeClient());
    const sent = await inInvocation(() => client.send('PublishCommand', { topic: 't', payload: Buffer.from('{"type":"feed-item"}'), userProperties: '[{"app":"x"}]' }, 'IoTDataPlaneClient'));
    expect(JSON.parse(Buffer.from(sent.payload as Uint8Array).toString('utf8'))).toEqual({ type: 'feed-item', __context__: carried });
    expect(JSON.parse(sent.userProperties as string)).toEqual([{ app: 'x' }, ...Object.entries(carried).map(([name, value]) => ({ [name]: value }))]);
    expect(sent.MessageAttributes).toBeUndefined();
    const bare = await inInvocation(() => client.send('PublishCommand', { topic: 't', payload: '{}' }, 'IoTDataPlaneClient'));
    expect(JSON.parse(bare.userProperties as string)).toHaveLength(Object.keys(carried).length);
    expect((await inInvocation(() => client.send('PublishCommand', { TopicArn: 't', Message: '{}' }, 'SNSClient'))).MessageAttributes).toBeDefined();
  });

  it('changes nothing outside an invocation, nor for other commands', async () => {
    const client = forwardCorrelation(fakeClient());
    const input = { Data: '{"a":1}', MessageAttributes: {} };
    expect(await client.send('PutRecordCommand', input)).toBe(input);
    expect(await inInvocation(() => client.send('GetRecordsCommand', input))).toBe(input);
  });
});
