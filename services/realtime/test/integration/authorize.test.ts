// The IoT custom authorizer in process, against the local cloud's real config service and KMS (the
// JWT secret as every function reads it): a user's real token gets that user's policy, in the
// region and account of the function's own ARN; anything else gets isAuthenticated false.
import { randomUUID } from 'node:crypto';
import { lambdaContext, localCloud, useLocalCloudEnvironment } from '@yubl/test-harness';
import { aUser } from '@yubl/test-support';
import type { IotAuthorizerEvent, IotAuthorizerResult } from '../../src/authorizer';

const cloud = localCloud();
useLocalCloudEnvironment({ STAGE: cloud.stage, CONFIG_API_URL: cloud.baseUrl, CONFIG_API_KEY: cloud.apiKeys['config-read']! });

const connecting = (username: string, token: string, clientId = username): IotAuthorizerEvent => ({
  protocols: ['tls', 'http', 'mqtt'],
  protocolData: { mqtt: { username, password: Buffer.from(token).toString('base64'), clientId } },
  connectionMetadata: { id: randomUUID() },
});

async function authorize(event: IotAuthorizerEvent): Promise<IotAuthorizerResult> {
  const { handler } = await import('../../src/handlers/authorize');
  const context = { ...lambdaContext({ functionName: 'realtime-local-authorize' }), invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:realtime-local-authorize' };
  return (await (handler as (e: unknown, c: unknown) => Promise<IotAuthorizerResult>)(event, context));
}

describe('the IoT custom authorizer, in process', () => {
  it('gives a real token`s user the policy for their own client ids and topic, in the function`s region and account', async () => {
    const user = await aUser();
    const result = await authorize(connecting(user.id, user.token));
    expect(result).toMatchObject({ isAuthenticated: true, refreshAfterInSeconds: 300 });
    const [policy] = result.policyDocuments.map((document) => JSON.parse(document) as { Statement: { Action: string; Resource: string | string[] }[] });
    expect(policy!.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      ['iot:Connect', [`arn:aws:iot:eu-west-2:123456789012:client/${user.id}`, `arn:aws:iot:eu-west-2:123456789012:client/${user.id}-*`]],
      ['iot:Subscribe', `arn:aws:iot:eu-west-2:123456789012:topicfilter/yubl/${cloud.stage}/users/${user.id}/feed`],
      ['iot:Receive', `arn:aws:iot:eu-west-2:123456789012:topic/yubl/${cloud.stage}/users/${user.id}/feed`],
    ]);
  });

  it('answers isAuthenticated false, with no policy, for a token not signed with the config service`s secret', async () => {
    const user = await aUser();
    const [header, payload] = user.token.split('.');
    const result = await authorize(connecting(user.id, `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`));
    expect(result).toMatchObject({ isAuthenticated: false, policyDocuments: [] });
  });
});
