import { PublishCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { PublishToUser } from './push';
import { feedTopic } from './topics';

/**
 * Publishes feed items through the IoT data plane (HTTPS Publish), QoS 1 so that a connected app
 * acknowledges each. The client is expected to carry the correlation ids (forwardCorrelation adds
 * `__context__` to the payload and MQTT 5 user properties).
 */
export function iotPublisher(client: IoTDataPlaneClient, stage: string): PublishToUser {
  return async (userId, item) => {
    await client.send(
      new PublishCommand({
        topic: feedTopic(stage, userId),
        qos: 1,
        payload: Buffer.from(JSON.stringify(item)),
        contentType: 'application/json',
        payloadFormatIndicator: 'UTF8_DATA',
      }),
    );
  };
}
