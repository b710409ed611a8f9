import { authorizeConnection, connectionPolicy, type IotAuthorizerEvent } from '../../src/authorizer';

const settings = {
  stage: 'prod',
  region: 'eu-west-1',
  accountId: '123456789012',
  verifyToken: async (token: string) => {
    if (token.startsWith('valid:')) return token.slice('valid:'.length);
    throw new Error('refused');
  },
};
const connect = (username: string | undefined, password: string | undefined, clientId = 'c'): IotAuthorizerEvent => ({
  protocols: ['mqtt'],
  protocolData: { mqtt: { username, password: password === undefined ? undefined : Buffer.from(password).toString('base64'), clientId } },
  connectionMetadata: { id: 'conn-1' },
});
const arn = (resource: string) => `arn:aws:iot:eu-west-1:123456789012:${resource}`;

describe('the connection policy', () => {
  it('allows connecting as the user or `<user>-…`, and subscribing to and receiving from the user`s own topic, nothing else', () => {
    expect(connectionPolicy('u-1', settings)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Connect', Resource: [arn('client/u-1'), arn('client/u-1-*')] },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn('topicfilter/yubl/prod/users/u-1/feed') },
        { Effect: 'Allow', Action: 'iot:Receive', Resource: arn('topic/yubl/prod/users/u-1/feed') },
      ],
    });
  });
});

describe('authorizeConnection', () => {
  it('authenticates a valid token whose subject is the username, with the policy as a JSON string and IoT Core`s timers', async () => {
    const { result, refusal } = await authorizeConnection(connect('u-1', 'valid:u-1'), settings);
    expect(refusal).toBeUndefined();
    expect(result).toEqual({
      isAuthenticated: true,
      principalId: 'u1', // letters and digits only
      disconnectAfterInSeconds: 86_400,
      refreshAfterInSeconds: 300,
      policyDocuments: [JSON.stringify(connectionPolicy('u-1', settings))],
    });
  });

  it('reads the user id before IoT Core`s `?x-amz-customauthorizer-name=` in the username', async () => {
    const { result } = await authorizeConnection(connect('u-1?x-amz-customauthorizer-name=yubl-prod-realtime', 'valid:u-1'), settings);
    expect(result.isAuthenticated).toBe(true);
  });

  it.each([
    ['a token the verifier refuses', 'u-1', 'forged', 'token refused'],
    ['another user`s valid token', 'u-1', 'valid:u-2', 'the username is not the token`s subject'],
    ['no password', 'u-1', undefined, 'no username or password'],
    ['no username', undefined, 'valid:u-1', 'no username or password'],
    ['an empty username', '', 'valid:u-1', 'no username or password'],
  ])('refuses %s, with no policy', async (_case, username, password, reason) => {
    const { result, refusal } = await authorizeConnection(connect(username, password), settings);
    expect(refusal).toBe(reason);
    expect(result).toMatchObject({ isAuthenticated: false, policyDocuments: [] });
  });
});
