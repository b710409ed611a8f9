// The authorizer invoked directly through the Lambda API, by a caller in a call chain: the ids
// travel in the payload's __context__ (forwardCorrelation on the Lambda client) and the function
// logs with them, one hop further along the chain.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { randomUUID } from 'node:crypto';
import { buildContext, forwardCorrelation, runWithContext } from '@yubl/correlation';
import { eventually, localClientConfig, localCloud, localCloudLog } from '@yubl/test-harness';

const cloud = localCloud();
const lambda = forwardCorrelation(new LambdaClient(localClientConfig('lambda', cloud)));

describe('the feed authorizer, invoked directly', () => {
  it('refuses a bad token and logs the refusal with the caller`s correlation id, one hop on', async () => {
    const correlationId = `invoke-${randomUUID()}`;
    const caller = buildContext({ 'x-correlation-id': correlationId, 'call-chain-length': '3' }, '', { awsRequestId: 'test' }, { debugSampleRate: 0, maxCallChainLength: 10 });
    const answer = await runWithContext(caller, () =>
      lambda.send(
        new InvokeCommand({
          FunctionName: `feed-${cloud.stage}-authorize`,
          Payload: JSON.stringify({ type: 'TOKEN', authorizationToken: 'Bearer not-a-token', methodArn: 'arn:aws:execute-api:eu-west-1:000000000000:api/local/GET/feed' }),
        }),
      ),
    );
    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(answer.Payload!).toString())).toMatchObject({ errorMessage: 'Unauthorized' });
    await eventually(() => {
      const line = localCloudLog()
        .split('\n')
        .find((text) => text.startsWith('[feed/authorize]') && text.includes(correlationId));
      expect(line).toBeDefined();
      expect(JSON.parse(line!.slice(line!.indexOf('{')))).toMatchObject({ message: 'token refused', 'x-correlation-id': correlationId, 'call-chain-length': 4 });
    }, { timeout: 10_000, interval: 100 });
  });
});
