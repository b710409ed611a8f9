import { dynamoDbOutbox } from '@yubl/events';
import { invokeHandler } from '@yubl/lambda';

const outbox = dynamoDbOutbox({ table: process.env.OUTBOX_TABLE! });

export const handler = invokeHandler(() => outbox.relay());
