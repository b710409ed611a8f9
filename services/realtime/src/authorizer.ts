// Who may connect (docs/api.md "Real-time feed updates"): the answer of an IoT Core custom
// authorizer. The MQTT username is the user id, the password the user's bearer token; a valid token
// whose subject is that user gets a policy to connect with that user's client ids and to subscribe
// to and receive from that user's own topic, nothing else. Anything else is refused.
import { feedTopic } from './topics';

/** What IoT Core hands a custom authorizer for an MQTT connection (the fields we read). */
export interface IotAuthorizerEvent {
  protocols?: string[];
  protocolData?: { mqtt?: { username?: string; password?: string; clientId?: string } };
  connectionMetadata?: { id?: string };
}

/** A custom authorizer's answer, as IoT Core reads it: policy documents are JSON strings. */
export interface IotAuthorizerResult {
  isAuthenticated: boolean;
  principalId: string;
  disconnectAfterInSeconds: number;
  refreshAfterInSeconds: number;
  policyDocuments: string[];
}

export interface AuthorizerSettings {
  stage: string;
  region: string;
  accountId: string;
  /** the user id of a valid token; throws for anything else */
  verifyToken: (token: string) => Promise<string>;
}

// IoT Core's bounds for both values are 300 to 86,400 s. A refresh runs the authorizer again, so an
// expired token ends the connection within five minutes; a day is the token's lifetime.
const REFRESH_AFTER_SECONDS = 300;
const DISCONNECT_AFTER_SECONDS = 86_400;

/** A principal id is 1 to 128 letters and digits for IoT Core; user ids may hold dashes. */
const principalIdOf = (userId: string) => userId.replace(/[^A-Za-z0-9]/g, '').slice(0, 128) || 'user';

/** The IAM-style policy of one connected user: their client ids, their own topic. */
export function connectionPolicy(userId: string, { stage, region, accountId }: Omit<AuthorizerSettings, 'verifyToken'>) {
  const arn = (resource: string) => `arn:aws:iot:${region}:${accountId}:${resource}`;
  const topic = feedTopic(stage, userId);
  return {
    Version: '2012-10-17',
    Statement: [
      // One app may hold several connections (phone, tablet): `<userId>` or `<userId>-<anything>`.
      { Effect: 'Allow', Action: 'iot:Connect', Resource: [arn(`client/${userId}`), arn(`client/${userId}-*`)] },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn(`topicfilter/${topic}`) },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: arn(`topic/${topic}`) },
    ],
  };
}

const refused = (): IotAuthorizerResult => ({ isAuthenticated: false, principalId: 'refused', disconnectAfterInSeconds: 0, refreshAfterInSeconds: 0, policyDocuments: [] });

/**
 * Decides one connection. The username may carry query parameters after `?` (IoT Core's
 * `x-amz-customauthorizer-name`), which are not part of the user id. Returns the decision and, when
 * refused, why (for the log; the client is only told no).
 */
export async function authorizeConnection(event: IotAuthorizerEvent, settings: AuthorizerSettings): Promise<{ result: IotAuthorizerResult; refusal?: string }> {
  const mqtt = event.protocolData?.mqtt;
  const username = mqtt?.username?.split('?')[0];
  if (!username || !mqtt?.password) return { result: refused(), refusal: 'no username or password' };
  const token = Buffer.from(mqtt.password, 'base64').toString('utf8');
  let userId: string;
  try {
    userId = await settings.verifyToken(token);
  } catch {
    return { result: refused(), refusal: 'token refused' };
  }
  if (userId !== username) return { result: refused(), refusal: 'the username is not the token`s subject' };
  return {
    result: {
      isAuthenticated: true,
      principalId: principalIdOf(userId),
      disconnectAfterInSeconds: DISCONNECT_AFTER_SECONDS,
      refreshAfterInSeconds: REFRESH_AFTER_SECONDS,
      policyDocuments: [JSON.stringify(connectionPolicy(userId, settings))],
    },
  };
}
