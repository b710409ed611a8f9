export { envelope, asEnvelope, timeOrderedId, type EventEnvelope } from './envelope';
export { kinesisPublisher } from './kinesis-publisher';
