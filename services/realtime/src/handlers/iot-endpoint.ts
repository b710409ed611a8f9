import { DescribeEndpointCommand, IoTClient } from '@aws-sdk/client-iot';
import { sdkClientOptions } from '@yubl/aws';
import { invokeHandler } from '@yubl/lambda';
import { answerEndpointRequest, type CustomResourceRequest } from '../iot-endpoint';

const iot = new IoTClient(sdkClientOptions());

export const handler = invokeHandler(async (request: CustomResourceRequest) =>
  answerEndpointRequest(request, {
    describeEndpoint: async () => (await iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }))).endpointAddress!,
    respond: async (url, body) => {
      // A presigned S3 URL: no content type, or the signature does not match.
      const answer = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
      if (!answer.ok) throw new Error(`CloudFormation's response URL answered ${answer.status}`);
    },
  }),
);
