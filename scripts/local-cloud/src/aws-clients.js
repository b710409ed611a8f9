'use strict';

// SDK v3 clients aimed at the local cloud's endpoints, with throwaway credentials.
// Kinesis needs the HTTP/1.1 handler: the client's default HTTP/2 handler fails against kinesalite.

const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { KinesisClient } = require('@aws-sdk/client-kinesis');
const { KMSClient } = require('@aws-sdk/client-kms');
const { SNSClient } = require('@aws-sdk/client-sns');
const { SQSClient } = require('@aws-sdk/client-sqs');
const { NodeHttpHandler } = require('@smithy/node-http-handler');

/**
 * @param {{ region: string, endpoints: Record<string, string> }} options
 */
function createClients({ region, endpoints }) {
  const base = { region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 };
  return {
    kinesis: new KinesisClient({ ...base, endpoint: endpoints.kinesis, requestHandler: new NodeHttpHandler() }),
    dynamodb: new DynamoDBClient({ ...base, endpoint: endpoints.dynamodb }),
    kms: new KMSClient({ ...base, endpoint: endpoints.kms }),
    sns: new SNSClient({ ...base, endpoint: endpoints.sns }),
    sqs: new SQSClient({ ...base, endpoint: endpoints.sqs }),
    // The IoT stand-in's control route (emulators/iot.js): no SDK client speaks it.
    iot: {
      /** @param {{ AuthorizerName: string } & Record<string, unknown>} props */
      async addAuthorizer(props) {
        const response = await fetch(`${endpoints.iotdata}/_local/authorizers`, { method: 'POST', body: JSON.stringify(props) });
        if (!response.ok) throw new Error(`the IoT emulator refused the authorizer ${props.AuthorizerName}: ${response.status} ${await response.text()}`);
        return /** @type {Promise<{ ref: string, attributes: Record<string, string> }>} */ (response.json());
      },
    },
  };
}

module.exports = { createClients };
