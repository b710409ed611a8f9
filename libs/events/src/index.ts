export { envelope, asEnvelope, timeOrderedId, type EventEnvelope } from './envelope';
export { outboxItem, relayQueues, publishInOrder, relayItems, type Announcement, type OutboxItem, type OutboxPorts, type QueueOutcome, type RelayReport } from './outbox';
export { dynamoDbOutbox, failedConditions, type Outbox, type OutboxOptions, type TransactWrite } from './dynamodb-outbox';
