import serverlessHttp from 'serverless-http';
import { createConfigClient } from '@yubl/config';
import { dynamoDbOutbox } from '@yubl/events';
import { rawHttpHandler } from '@yubl/lambda';
import { createApp } from '../app';
import { dynamoDbUserStore } from '../store';

const config = createConfigClient({ keys: ['auth/jwt-secret'] });
const outbox = dynamoDbOutbox({ table: process.env.OUTBOX_TABLE! });

const app = createApp({
  store: dynamoDbUserStore(process.env.USERS_TABLE!, outbox, process.env.USERS_STREAM!),
  jwtSecret: () => config.get('auth/jwt-secret'),
});

export const handler = rawHttpHandler(serverlessHttp(app) as never);
