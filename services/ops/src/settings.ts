// The functions' settings, from their environment (serverless.yml sets them; README.md lists them).

import type { RetryPolicy } from './indexing';
import type { SubscriptionSettings } from './subscriptions';

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got '${text}'`);
  return value;
}

export const SUBSCRIPTION_FILTER_NAME = 'ops-ship-logs';
export const metricsNamespace = (stage: string) => `yubl/${stage}`;

export interface ShippingSettings {
  stage: string;
  openSearchUrl: string;
  deadLetterQueueUrl: string;
  region: string;
  retry: RetryPolicy;
  /** kept back from the invocation's time for dead-lettering and metrics */
  marginMs: number;
}

export function shippingSettings(env: Env): ShippingSettings {
  return {
    stage: required(env, 'STAGE'),
    openSearchUrl: required(env, 'OPENSEARCH_URL'),
    deadLetterQueueUrl: required(env, 'DEAD_LETTER_QUEUE_URL'),
    region: env.AWS_REGION ?? 'eu-west-1',
    retry: { maxAttempts: positiveInteger(env, 'BULK_MAX_ATTEMPTS', 4), baseDelayMs: positiveInteger(env, 'BULK_RETRY_BASE_MS', 200) },
    marginMs: positiveInteger(env, 'SHIPPING_MARGIN_MS', 3000),
  };
}

export function subscriptionSettings(env: Env): SubscriptionSettings {
  return {
    stage: required(env, 'STAGE'),
    filterName: SUBSCRIPTION_FILTER_NAME,
    destinationArn: required(env, 'SHIP_LOGS_ARN'),
    ownGroup: `/aws/lambda/${required(env, 'SHIP_LOGS_FUNCTION_NAME')}`,
    retentionInDays: positiveInteger(env, 'LOG_RETENTION_DAYS', 30),
  };
}

export interface JanitorSettings {
  stage: string;
  /** how many of the newest versions of each function are kept besides those in use (JANITOR_KEEP_VERSIONS, 3) */
  keepNewest: number;
}

export function janitorSettings(env: Env): JanitorSettings {
  return { stage: required(env, 'STAGE'), keepNewest: positiveInteger(env, 'JANITOR_KEEP_VERSIONS', 3) };
}
