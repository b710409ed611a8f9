import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { bearerVerifier } from '@yubl/auth';
import { invokeHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';

const bearer = bearerVerifier();

// A TOKEN authorizer: a valid bearer JWT lets its user read their feed; anything else is a 401
// (API Gateway answers 401 when an authorizer throws "Unauthorized").
export const handler = invokeHandler(async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  let userId: string;
  try {
    userId = await bearer.userId(event.authorizationToken);
  } catch {
    log.info('token refused');
    throw new Error('Unauthorized');
  }
  // The policy covers the whole API so that a cached decision serves both routes.
  const apiArn = event.methodArn.split('/').slice(0, 2).join('/');
  return {
    principalId: userId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${apiArn}/*` }] },
  };
});
