// The local cloud's emulators, spoken to by the real SDK v3 clients, as functions will.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteSubscriptionFilterCommand,
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, ListMetricsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateTopicCommand, PublishBatchCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { randomUUID } from 'node:crypto';
import { eventually, localClientConfig, localCloud } from '@yubl/test-harness';

const cloud = localCloud();
const kms = new KMSClient(localClientConfig('kms', cloud));
const sns = new SNSClient(localClientConfig('sns', cloud));
const sqs = new SQSClient(localClientConfig('sqs', cloud));
// kinesalite does not speak HTTP/2, the Kinesis client's default
const kinesis = new KinesisClient({ ...localClientConfig('kinesis', cloud), requestHandler: new NodeHttpHandler() });
const logs = new CloudWatchLogsClient(localClientConfig('logs', cloud));
const configKey = `alias/yubl-config-${cloud.stage}`;

describe('KMS', () => {
  it('knows the shared stack key by its alias', async () => {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: configKey }));
    expect(KeyMetadata?.Arn).toMatch(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/);
    expect(KeyMetadata?.KeyState).toBe('Enabled');
  });

  it('decrypts what it encrypted, under the same encryption context', async () => {
    const context = { service: 'auth', key: 'jwt-secret' };
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: configKey, Plaintext: Buffer.from('s3cret'), EncryptionContext: context }));
    expect(Buffer.from(CiphertextBlob!).toString('utf8')).not.toContain('s3cret');
    const { Plaintext, KeyId } = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(Plaintext!).toString('utf8')).toBe('s3cret');
    expect(KeyId).toMatch(/:key\//);
  });

  it('refuses tampered ciphertext and a different encryption context', async () => {
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: configKey, Plaintext: Buffer.from('value'), EncryptionContext: { a: '1' } }));
    const tampered = Buffer.from(CiphertextBlob!);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0xff;
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext: { a: '1' } }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { a: '2' } }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('not a ciphertext') }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('generates data keys whose ciphertext decrypts to the same key', async () => {
    const { Plaintext, CiphertextBlob } = await kms.send(new GenerateDataKeyCommand({ KeyId: configKey, KeySpec: 'AES_256' }));
    expect(Plaintext).toHaveLength(32);
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(decrypted.Plaintext!)).toEqual(Buffer.from(Plaintext!));
  });

  it('says NotFoundException for a key it does not have', async () => {
    await expect(kms.send(new EncryptCommand({ KeyId: 'alias/nobody', Plaintext: Buffer.from('x') }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});

describe('SNS and SQS', () => {
  async function subscribedQueue(raw = false) {
    const name = `emulator-test-${randomUUID()}`;
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: raw ? { RawMessageDelivery: 'true' } : undefined }));
    return { TopicArn: TopicArn!, QueueUrl: QueueUrl! };
  }

  const receiveAll = async (QueueUrl: string, count: number) => {
    const bodies: string[] = [];
    await eventually(async () => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const message of Messages) {
        bodies.push(message.Body!);
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
      expect(bodies).toHaveLength(count);
    });
    return bodies;
  };

  it('delivers a published message with its String message attributes to a subscribed queue', async () => {
    const { TopicArn, QueueUrl } = await subscribedQueue();
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: JSON.stringify({ hello: 'world' }),
        MessageAttributes: { 'x-correlation-id': { DataType: 'String', StringValue: 'abc-123' } },
      }),
    );
    const [body] = await receiveAll(QueueUrl, 1);
    expect(JSON.parse(body!)).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn,
      Message: '{"hello":"world"}',
      MessageAttributes: { 'x-correlation-id': { Type: 'String', Value: 'abc-123' } },
    });
  });

  it('publishes batches entry by entry, and raw delivery sends the message alone', async () => {
    const { TopicArn, QueueUrl } = await subscribedQueue(true);
    const { Successful, Failed } = await sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: [
          { Id: 'one', Message: 'first' },
          { Id: 'two', Message: 'second', MessageAttributes: { n: { DataType: 'Number', StringValue: '2' } } },
        ],
      }),
    );
    expect(Successful?.map((s) => s.Id)).toEqual(['one', 'two']);
    expect(Failed ?? []).toEqual([]);
    expect((await receiveAll(QueueUrl, 2)).sort()).toEqual(['first', 'second']);
  });

  it('hides a received message for its visibility timeout, and shows it again when that is changed to 0', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `emulator-test-${randomUUID()}` }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'once' }));
    const { Messages: [first] = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first!.ReceiptHandle, VisibilityTimeout: 0 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.map((m) => m.Body)).toEqual(['once']);
    await expect(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: 'not-a-handle', VisibilityTimeout: 0 }))).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  });

  it('answers NotFound for a topic that does not exist and QueueDoesNotExist for a queue', async () => {
    await expect(sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:none', Message: 'x' }))).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: `${cloud.endpoints.sqs}/000000000000/none`, MessageBody: 'x' }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });
});

describe('CloudWatch Logs', () => {
  const destinationArn = `arn:aws:lambda:${cloud.region}:000000000000:function:nowhere`;

  it('creates, lists by prefix page by page, sets retention and deletes log groups', async () => {
    const prefix = `/test/groups/${randomUUID()}/`;
    const names = Array.from({ length: 7 }, (_, i) => `${prefix}${i}`);
    for (const name of names) await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: names[0] }))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: names[1], retentionInDays: 30 }));
    await expect(logs.send(new PutRetentionPolicyCommand({ logGroupName: names[1], retentionInDays: 31 }))).rejects.toMatchObject({ name: 'InvalidParameterException' });

    const listed: { logGroupName?: string; retentionInDays?: number }[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const answer = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, limit: 3, nextToken }));
      listed.push(...(answer.logGroups ?? []));
      nextToken = answer.nextToken;
      pages += 1;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(listed.map((g) => g.logGroupName)).toEqual(names);
    expect(listed.find((g) => g.logGroupName === names[1])?.retentionInDays).toBe(30);

    await logs.send(new DeleteLogGroupCommand({ logGroupName: names[0] }));
    await expect(logs.send(new DeleteLogGroupCommand({ logGroupName: names[0] }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('keeps at most two subscription filters a group, as AWS does, and updates one by name', async () => {
    const group = `/test/filters/${randomUUID()}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    for (const filterName of ['first', 'second']) await logs.send(new PutSubscriptionFilterCommand({ logGroupName: group, filterName, filterPattern: '', destinationArn }));
    await expect(logs.send(new PutSubscriptionFilterCommand({ logGroupName: group, filterName: 'third', filterPattern: '', destinationArn }))).rejects.toMatchObject({ name: 'LimitExceededException' });
    await logs.send(new PutSubscriptionFilterCommand({ logGroupName: group, filterName: 'first', filterPattern: 'ERROR', destinationArn }));
    const { subscriptionFilters = [] } = await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: group }));
    expect(subscriptionFilters.map((f) => [f.filterName, f.filterPattern])).toEqual([['first', 'ERROR'], ['second', '']]);
    await logs.send(new DeleteSubscriptionFilterCommand({ logGroupName: group, filterName: 'second' }));
    await logs.send(new PutSubscriptionFilterCommand({ logGroupName: group, filterName: 'third', filterPattern: '', destinationArn }));
    const after = await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: group, filterNamePrefix: 't' }));
    expect(after.subscriptionFilters?.map((f) => f.filterName)).toEqual(['third']);
  });

  it('filters stored events by stream, time and terms, with unique event ids', async () => {
    const group = `/test/events/${randomUUID()}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    for (const stream of ['a', 'b']) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    const t = Date.now();
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'a', logEvents: [{ timestamp: t, message: 'ERROR one' }, { timestamp: t + 10, message: 'INFO two' }] }));
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'b', logEvents: [{ timestamp: t + 20, message: 'ERROR three' }] }));
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    expect(all.events?.map((e) => e.message)).toEqual(['ERROR one', 'INFO two', 'ERROR three']);
    expect(new Set(all.events?.map((e) => e.eventId)).size).toBe(3);
    const errors = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'ERROR', startTime: t + 5 }));
    expect(errors.events?.map((e) => [e.logStreamName, e.message])).toEqual([['b', 'ERROR three']]);
    const inA = await logs.send(new FilterLogEventsCommand({ logGroupName: group, logStreamNames: ['a'] }));
    expect(inA.events).toHaveLength(2);
  });
});

describe('Kinesis', () => {
  it('holds the shared stack streams, and a record put is a record read', async () => {
    const StreamName = `users-${cloud.stage}`;
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
    expect(StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
    const data = JSON.stringify({ id: randomUUID() });
    const { ShardId, SequenceNumber } = await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from(data) }));
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: SequenceNumber }));
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }));
    expect(Buffer.from(Records![0]!.Data!).toString('utf8')).toBe(data);
  });
});

describe('the stand-ins for the OpenSearch domain, CloudWatch metrics and the streaming partner', () => {
  it('are published in endpoints.json and reachable there', async () => {
    const info = await fetch(`${cloud.endpoints.opensearch}/`);
    expect(await info.json()).toMatchObject({ version: { distribution: 'opensearch' } });
    const metrics = new CloudWatchClient(localClientConfig('cloudwatch', cloud));
    const Namespace = `yubl/${cloud.stage}-wiring-${randomUUID()}`;
    await metrics.send(new PutMetricDataCommand({ Namespace, MetricData: [{ MetricName: 'up', Value: 1 }] }));
    expect((await metrics.send(new ListMetricsCommand({ Namespace }))).Metrics).toEqual([{ Namespace, MetricName: 'up', Dimensions: [] }]);
    metrics.destroy();
  });

  it('the partner stand-in: refuses a call without its key, and shows what it holds', async () => {
    const refused = await fetch(`${cloud.endpoints.partner}/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ externalId: 'x', username: 'x', validationPayload: 'x' }) });
    expect(refused.status).toBe(401);
    expect(await (await fetch(`${cloud.endpoints.partner}/_local/accounts`)).json()).toEqual({ items: expect.any(Array) });
    expect((await fetch(`${cloud.endpoints.partner}/_local/faults`, { method: 'POST', body: '{}' })).status).toBe(400);
  });
});

describe('the gateway', () => {
  it('answers /health with 200 and every part ready', async () => {
    const response = await fetch(`${cloud.baseUrl}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; parts: Record<string, string> };
    expect(body.status).toBe('ready');
    expect(body.parts).toMatchObject({ opensearch: 'ready', cloudwatch: 'ready' });
    expect(Object.values(body.parts).every((state) => state === 'ready')).toBe(true);
  });

  it('answers a path no service declares with 404 in the contract error shape', async () => {
    const response = await fetch(`${cloud.baseUrl}/no/such/path`);
    expect(response.status).toBe(404);
    // API Gateway's MISSING_AUTHENTICATION_TOKEN, as the first service declares it (docs/api.md "Refusals API Gateway makes").
    expect(await response.json()).toEqual({ error: { code: 'NotFound', message: expect.any(String), requestId: expect.any(String) } });
  });
});
