import type { Context } from 'aws-lambda';
import { bearerVerifier, verifyToken } from '@yubl/auth';
import { invokeHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { authorizeConnection, type IotAuthorizerEvent } from '../authorizer';

const bearer = bearerVerifier();
const stage = process.env.STAGE!;

// IoT Core's custom authorizer for MQTT connections; the region and account of the policy's ARNs
// are this function's own (arn:aws:lambda:<region>:<account>:function:<name>).
export const handler = invokeHandler(async (event: IotAuthorizerEvent, context: Context) => {
  const [, , , region = process.env.AWS_REGION!, accountId = ''] = context.invokedFunctionArn.split(':');
  const { result, refusal } = await authorizeConnection(event, { stage, region, accountId, verifyToken: async (token) => verifyToken(token, await bearer.secret()) });
  if (refusal) log.info('connection refused', { reason: refusal, clientId: event.protocolData?.mqtt?.clientId });
  else log.info('connection authorized', { clientId: event.protocolData?.mqtt?.clientId });
  return result;
});
