// The partner service's endpoints and consumers, declared once for its acceptance tests (through
// `when`: in process, or through the gateway and the local cloud's event sources), the partner
// stand-in's test API, the config switches, and payloads made the way the worker makes them.
import { randomUUID } from 'node:crypto';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { signToken } from '@yubl/auth';
import { localClientConfig, localCloud, localJwtSecret, recordsOnStream, useLocalCloudEnvironment, type HttpEndpoint, type KinesisConsumer, type SnsConsumer } from '@yubl/test-harness';

const stage = localCloud().stage;
const topicArn = (name: string) => `arn:aws:sns:${localCloud().region}:000000000000:${name}-${stage}`;
/** How often the functions that read the switches re-read config on the local stage (serverless.yml, params.local). */
export const CONFIG_REFRESH_SECONDS = 3;

export const cloud = useLocalCloudEnvironment({
  ACCOUNTS_TABLE: `partner-accounts-${stage}`,
  OUTBOX_TABLE: `partner-outbox-${stage}`,
  USERS_STREAM: `users-${stage}`,
  REQUESTS_TOPIC_ARN: topicArn('partner-account-requests'),
  RESULTS_TOPIC_ARN: topicArn('partner-account-results'),
  CONFIG_API_URL: localCloud().baseUrl,
  CONFIG_API_KEY: localCloud().apiKeys['config-read']!,
  CONFIG_REFRESH_SECONDS: String(CONFIG_REFRESH_SECONDS),
});
export const partnerKey = cloud.apiKeys.partner!;
/**
 * Against a deployed stage (./build.sh test acceptance --stage S sets TEST_STAGE) there is no partner
 * stand-in to count on or to break, and the stage's switches are not the tests' to flip.
 */
export const onDeployedStage = Boolean(process.env.TEST_STAGE && process.env.TEST_STAGE !== 'local');

const handlerOf = (file: string) => async () => (await import(`../../src/handlers/${file}`)).handler;
export const getAccount: HttpEndpoint = { method: 'GET', resource: '/partner/accounts/{userId}', handler: handlerOf('get-account') };
export const postValidation: HttpEndpoint = { method: 'POST', resource: '/partner/validations', handler: handlerOf('validate') };

const kinesis = new KinesisClient({ ...localClientConfig('kinesis', cloud), requestHandler: new NodeHttpHandler() }); // kinesalite: HTTP/1.1
const sns = new SNSClient(localClientConfig('sns', cloud));

export const invoker: KinesisConsumer = {
  stream: () => `users-${stage}`,
  handler: handlerOf('request-account'),
  put: async (records) => {
    await kinesis.send(new PutRecordsCommand({ StreamName: `users-${stage}`, Records: records.map((r) => ({ PartitionKey: r.partitionKey, Data: Buffer.from(JSON.stringify(r.data)) })) }));
  },
};
const snsConsumer = (topic: string, file: string, timeoutMs: number): SnsConsumer => ({
  topic: () => `${topic}-${stage}`,
  handler: handlerOf(file),
  timeoutMs,
  publish: async (message, attributes) => {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn(topic),
        Message: JSON.stringify(message),
        MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
      }),
    );
  },
});
export const worker = snsConsumer('partner-account-requests', 'create-account', 30_000);
export const callback = snsConsumer('partner-account-results', 'record-result', 6_000);

/** A user-joined event (docs/api.md "Events") for a user no one else has, with a bearer token for them. */
export async function aJoin(context: Record<string, string> = {}) {
  const id = randomUUID();
  const user = { id, username: `p_${id.slice(0, 8)}`, firstName: 'Pat', lastName: 'Partner', joinedAt: new Date().toISOString() };
  const event = { type: 'user-joined', id: randomUUID(), occurredAt: user.joinedAt, data: { user }, ...(Object.keys(context).length ? { __context__: context } : {}) };
  const token = await signToken(id, await jwtSecret());
  return { user, record: { data: event, partitionKey: id }, headers: { authorization: `Bearer ${token}` } };
}

let secret: Promise<string> | undefined;
const jwtSecret = () => (secret ??= localJwtSecret(cloud));

// ---- the partner stand-in ----------------------------------------------------------------------

const standIn = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${cloud.endpoints.partner}${path}`, init);
  if (!response.ok) throw new Error(`the partner stand-in answered ${response.status} for ${path}`);
  return response.json() as Promise<any>;
};

export interface StandInAccount {
  accountId: string;
  externalId: string;
  username: string;
}
export interface ValidationCall {
  externalId: string;
  payload: string;
  correlationIds: Record<string, string>;
  status: number;
  answer?: { valid: boolean; reason?: string };
}

export const partner = {
  accounts: async (): Promise<StandInAccount[]> => (await standIn('/_local/accounts')).items,
  validations: async (): Promise<ValidationCall[]> => (await standIn('/_local/validations')).items,
  requests: async (): Promise<{ status: number | 'down'; externalId?: string; at: string }[]> => (await standIn('/_local/requests')).items,
  fault: (fault: { status?: number; times?: number; forMs?: number; delayMs?: number; down?: boolean }) =>
    standIn('/_local/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) }),
  clearFaults: () => standIn('/_local/faults', { method: 'DELETE' }),
  /** POST /accounts as our worker calls it: the status and body the partner answers. */
  createAccount: async (body: { externalId: string; username: string; validationPayload: string }) => {
    const response = await fetch(`${cloud.endpoints.partner}/accounts`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': await keyForThePartner() }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { accountId?: string } };
  },
};

// ---- config ------------------------------------------------------------------------------------

/** Writes partner/<key> through the config API with the admin key, as an operator does. */
export async function setConfig(key: 'enrolment' | 'validation-mode', value: string): Promise<void> {
  const response = await fetch(`${cloud.baseUrl}/config/partner/${key}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-api-key': cloud.apiKeys['config-admin']! },
    body: JSON.stringify({ value, encrypted: false }),
  });
  if (!response.ok) throw new Error(`PUT /config/partner/${key} answered ${response.status}: ${await response.text()}`);
}

/** A secret the local cloud seeded for the partner service, read and decrypted as the functions read it. */
async function partnerSecret(key: 'signing-key' | 'api-key'): Promise<string> {
  const response = await fetch(`${cloud.baseUrl}/config/partner/${key}`, { headers: { 'x-api-key': cloud.apiKeys['config-read']! } });
  const entry = (await response.json()) as { value: string };
  const kms = new KMSClient(localClientConfig('kms', cloud));
  const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(entry.value, 'base64'), EncryptionContext: { service: 'partner', key } }));
  return Buffer.from(Plaintext!).toString('utf8');
}
/** The payload signing key. */
export const signingKey = () => partnerSecret('signing-key');
/** The key the partner (stand-in) wants on our calls. */
export const keyForThePartner = () => partnerSecret('api-key');

/** The partner-account-created events on the users stream, by user id. */
export async function createdEvents(userIds: readonly string[]) {
  const wanted = new Set(userIds);
  return (await recordsOnStream(`users-${stage}`, kinesis)).filter((record) => record.data.type === 'partner-account-created' && wanted.has(record.data.data?.userId));
}
