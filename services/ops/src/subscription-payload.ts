// What a CloudWatch Logs subscription delivers to a Lambda function:
// {"awslogs": {"data": base64(gzip(JSON))}}.

import { gunzipSync } from 'node:zlib';
import type { LogEvent } from './documents';

export interface SubscriptionPayload {
  messageType: 'CONTROL_MESSAGE' | 'DATA_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: LogEvent[];
}

export interface SubscriptionEvent {
  awslogs: { data: string };
}

export function decodeSubscriptionEvent(event: SubscriptionEvent): SubscriptionPayload {
  return JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as SubscriptionPayload;
}
