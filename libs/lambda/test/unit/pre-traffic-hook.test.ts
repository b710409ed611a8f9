import { mockClient } from 'aws-sdk-client-mock';
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { preTrafficHook, smokeEvent, type SmokeTarget } from '../../src/pre-traffic-hook';

// Lambda's and CodeDeploy's control planes have no local stand-in: mocked clients stand for them.
const lambda = mockClient(LambdaClient);
const codeDeploy = mockClient(CodeDeployClient);
const event = { DeploymentId: 'd-123', LifecycleEventHookExecutionId: 'hook-456' };
const targets: SmokeTarget[] = [
  { function: 'get', method: 'GET', route: '/yubls/{id}', version: 'arn:aws:lambda:eu-west-1:1:function:yubls-prod-get:7' },
  { function: 'post', method: 'POST', route: '/yubls', version: 'arn:aws:lambda:eu-west-1:1:function:yubls-prod-post:9' },
];
const payload = (text: string) => Buffer.from(text) as never; // the SDK's blob adapter is a Uint8Array, as Buffer is
const answer = (statusCode: number) => ({ Payload: payload(JSON.stringify({ statusCode, body: '{"error":{"code":"NotFound"}}' })) });
const lines: string[] = [];
const log = { info: (msg: string) => void lines.push(`info ${msg}`), error: (msg: string) => void lines.push(`error ${msg}`) };
const hook = () => preTrafficHook({ lambda: new LambdaClient({}), codeDeploy: new CodeDeployClient({}), targets: () => targets, log: log as never });
const reported = () => codeDeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((call) => call.args[0].input);

beforeEach(() => {
  lambda.reset();
  codeDeploy.reset();
  lines.length = 0;
});

describe('the pre-traffic hook', () => {
  it('invokes each new version with its smoke request and reports Succeeded when every one answers below 500', async () => {
    lambda.on(InvokeCommand).resolves(answer(404));
    const results = await hook()(event);
    expect(results.every((r) => r.passed)).toBe(true);
    expect(lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input.FunctionName)).toEqual(targets.map((t) => t.version));
    const sent = JSON.parse(String(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload));
    expect(sent).toMatchObject({ httpMethod: 'GET', path: '/yubls/smoke-test', resource: '/yubls/{id}', pathParameters: { id: 'smoke-test' }, body: null });
    expect(reported()).toEqual([{ deploymentId: 'd-123', lifecycleEventHookExecutionId: 'hook-456', status: 'Succeeded' }]);
    expect(lines).toEqual(['info pre-traffic smoke test passed']);
  });

  it.each([
    ['a 5xx answer', () => lambda.on(InvokeCommand, { FunctionName: targets[1]!.version }).resolves(answer(502)), /answered 502/],
    ['a function error', () => lambda.on(InvokeCommand, { FunctionName: targets[1]!.version }).resolves({ FunctionError: 'Unhandled', Payload: payload('{"errorMessage":"boom"}') }), /function error \(Unhandled\)/],
    ['an answer that is no HTTP response', () => lambda.on(InvokeCommand, { FunctionName: targets[1]!.version }).resolves({ Payload: payload('"warmed"') }), /no HTTP response/],
    ['a version that cannot be invoked', () => lambda.on(InvokeCommand, { FunctionName: targets[1]!.version }).rejects(new Error('ResourceNotFoundException')), /could not be invoked/],
  ])('reports Failed on %s of one version, and still reports', async (_case, arrange, reason) => {
    lambda.on(InvokeCommand).resolves(answer(200));
    arrange();
    const results = await hook()(event);
    expect(results.find((r) => r.function === 'post')).toMatchObject({ passed: false, reason: expect.stringMatching(reason) });
    expect(results.find((r) => r.function === 'get')).toMatchObject({ passed: true });
    expect(reported()).toEqual([{ deploymentId: 'd-123', lifecycleEventHookExecutionId: 'hook-456', status: 'Failed' }]);
    expect(lines).toEqual(['error pre-traffic smoke test failed']);
  });

  it('reports Failed when it was given nothing to test', async () => {
    await preTrafficHook({ lambda: new LambdaClient({}), codeDeploy: new CodeDeployClient({}), targets: () => [], log: log as never })(event);
    expect(reported()[0]!.status).toBe('Failed');
  });
});

describe('a smoke request', () => {
  it('fills every path parameter, and has no body and no credentials', () => {
    const request = smokeEvent({ function: 'follow', method: 'PUT', route: '/users/{id}/following/{targetId}', version: 'v' });
    expect(request).toMatchObject({ path: '/users/smoke-test/following/smoke-test', pathParameters: { id: 'smoke-test', targetId: 'smoke-test' }, body: null });
    expect(Object.keys(request.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
    expect(smokeEvent({ function: 'search', method: 'GET', route: '/search/users', version: 'v' }).pathParameters).toBeNull();
  });
});
