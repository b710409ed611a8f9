import { gunzipSync } from 'node:zlib';
import { awslogsEvent, kinesisEvent, scheduledEvent, snsEvent } from '../../src';

describe('the Lambda events, as AWS shapes them', () => {
  it('a Kinesis record carries its bytes base64-encoded and its id as shard:sequence', () => {
    const [record] = kinesisEvent([
      { partitionKey: 'p', sequenceNumber: '42', data: '{"a":1}', approximateArrivalTimestamp: 1.5, shardId: 'shardId-000000000001', streamArn: 'arn:aws:kinesis:eu-west-1:1:stream/s', region: 'eu-west-1', roleArn: 'arn:aws:iam::1:role/r' },
    ]).Records;
    expect(Buffer.from(record!.kinesis.data, 'base64').toString('utf8')).toBe('{"a":1}');
    expect(record).toMatchObject({ eventID: 'shardId-000000000001:42', eventSource: 'aws:kinesis', eventSourceARN: 'arn:aws:kinesis:eu-west-1:1:stream/s', kinesis: { kinesisSchemaVersion: '1.0', sequenceNumber: '42' } });
  });

  it('an SNS notification is one record with the message and attributes as sent', () => {
    const event = snsEvent({ subscriptionArn: 'sub', messageId: 'm', topicArn: 't', message: 'hi', timestamp: 'ts', messageAttributes: { a: { Type: 'String', Value: 'b' } }, signature: 'X', signingCertUrl: 'c', unsubscribeUrl: 'u' });
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({ EventSource: 'aws:sns', EventSubscriptionArn: 'sub', Sns: { Type: 'Notification', Message: 'hi', MessageAttributes: { a: { Type: 'String', Value: 'b' } } } });
  });

  it('a log subscription payload is gzipped JSON in base64, decoding to what was given', () => {
    const payload = { messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', subscriptionFilters: ['f'], logEvents: [{ id: '1', timestamp: 2, message: 'm' }] };
    const event = awslogsEvent(payload);
    expect(JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'))).toEqual(payload);
  });

  it('a scheduled event names its rule and gives the time to the second', () => {
    const event = scheduledEvent({ id: 'i', account: '1', region: 'eu-west-1', ruleArn: 'arn:aws:events:eu-west-1:1:rule/r', time: new Date('2026-12-01T10:20:30.456Z') });
    expect(event).toEqual({ version: '0', id: 'i', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '1', time: '2026-12-01T10:20:30Z', region: 'eu-west-1', resources: ['arn:aws:events:eu-west-1:1:rule/r'], detail: {} });
  });
});
