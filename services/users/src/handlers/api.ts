import serverlessHttp from 'serverless-http';
import { createConfigClient } from '@yubl/config';
import { kinesisPublisher } from '@yubl/events';
import { rawHttpHandler } from '@yubl/lambda';
import { createApp } from '../app';
import { dynamoDbUserStore } from '../store';

const config = createConfigClient({ keys: ['auth/jwt-secret'] });
const events = kinesisPublisher(process.env.USERS_STREAM!);

const app = createApp({
  store: dynamoDbUserStore(process.env.USERS_TABLE!),
  jwtSecret: () => config.get('auth/jwt-secret'),
  publish: (partitionKey, event) => events.publish(partitionKey, event),
});

export const handler = rawHttpHandler(serverlessHttp(app) as never);
