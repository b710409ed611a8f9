import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What a running local cloud publishes in its state directory's endpoints.json. */
export interface LocalCloudEndpoints {
  baseUrl: string;
  stage: string;
  region: string;
  apiKeys: Record<string, string>;
  endpoints: Record<'kinesis' | 'dynamodb' | 'kms' | 'sns' | 'sqs' | 'lambda', string>;
  services: Record<string, { http: string; lambda: string }>;
}

const repoRoot = resolve(__dirname, '../../..');

/** The state directory of the local cloud the tests run against: ./build.sh test sets it. */
export const localCloudStateDir = (): string => process.env.LOCAL_CLOUD_STATE_DIR ?? join(repoRoot, '.local');

/** Reads a running local cloud's endpoints, or says how to start one. */
export function localCloud(stateDir = localCloudStateDir()): LocalCloudEndpoints {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as LocalCloudEndpoints;
  } catch {
    throw new Error(
      `no local cloud is running from ${stateDir}: run these tests with ./build.sh test, or start one with ./build.sh deploy --stage local --detach`,
    );
  }
}

/** Client settings for the SDK v3 against a local cloud: its endpoint for `service`, throwaway credentials. */
export function localClientConfig(service: keyof LocalCloudEndpoints['endpoints'], cloud = localCloud()) {
  return {
    region: cloud.region,
    endpoint: cloud.endpoints[service],
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}
