// An app's side of the real-time feed, as docs/api.md describes it: mqtt.js over WebSocket, the
// user id as username and the bearer token as password, one subscription to the user's own topic.
import mqtt, { type MqttClient } from 'mqtt';
import { localCloud } from '@yubl/test-harness';

export interface FeedMessage {
  type: string;
  yubl: { id: string; authorId: string; text: string; postedAt: string };
  __context__?: Record<string, string>;
}

export interface ConnectedApp {
  client: MqttClient;
  /** every message received so far, in order, with its topic */
  received: { topic: string; message: FeedMessage; at: number }[];
  close(): Promise<void>;
}

export const mqttUrl = () => localCloud().endpoints.mqtt;
export const feedTopic = (userId: string) => `yubl/${localCloud().stage}/users/${userId}/feed`;

/** Connects (no automatic reconnect, clean session); rejects with the broker's refusal. */
export async function connectApp({ username, password, clientId }: { username: string; password: string; clientId: string }): Promise<ConnectedApp> {
  const client = await mqtt.connectAsync(mqttUrl(), { username, password, clientId, reconnectPeriod: 0, connectTimeout: 15_000, clean: true, protocolVersion: 4 });
  const received: ConnectedApp['received'] = [];
  client.on('message', (topic, payload) => received.push({ topic, message: JSON.parse(payload.toString('utf8')) as FeedMessage, at: Date.now() }));
  // Forced: a connection the broker already closed has nothing to flush (endAsync would wait for it).
  return { client, received, close: () => new Promise<void>((resolve) => void client.end(true, {}, () => resolve())) };
}

/**
 * The return codes of one SUBSCRIBE's SUBACK, in the order of `filters` (128: refused). mqtt.js
 * rejects a SUBACK with a refusal in it; the codes ride on the error's packet.
 */
export async function subackCodes(client: MqttClient, filters: string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos: 1 })).map(({ qos }) => qos);
  } catch (error) {
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw error;
    return granted;
  }
}

/** A user's app, connected and subscribed to the user's own topic (QoS 1). */
export async function openApp(user: { id: string; token: string }, clientId = `${user.id}-${Math.random().toString(36).slice(2, 8)}`): Promise<ConnectedApp> {
  const app = await connectApp({ username: user.id, password: user.token, clientId });
  const [granted] = await app.client.subscribeAsync(feedTopic(user.id), { qos: 1 });
  if (granted?.qos !== 1) throw new Error(`the subscription to the user's own topic was refused: ${JSON.stringify(granted)}`);
  return app;
}
