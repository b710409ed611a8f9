import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { forwardCorrelation } from '@yubl/correlation';
import type { EventEnvelope } from './envelope';

/**
 * Puts events on a Kinesis stream, with the current correlation ids in each record's `__context__`.
 * HTTP/1.1 rather than the client's default HTTP/2: it works everywhere (kinesalite only speaks
 * HTTP/1.1) and PutRecord needs nothing of HTTP/2.
 */
export function kinesisPublisher(streamName: string, client = forwardCorrelation(new KinesisClient({ requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 3_000 }) }))) {
  return {
    async publish(partitionKey: string, event: EventEnvelope): Promise<void> {
      await client.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: partitionKey, Data: Buffer.from(JSON.stringify(event)) }));
    },
  };
}
