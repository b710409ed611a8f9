import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { log as logger } from '@yubl/logger';

/** One new version to smoke-test: its function's first route, and the version's ARN. */
export interface SmokeTarget {
  function: string;
  method: string;
  route: string;
  version: string;
}

export interface SmokeResult {
  function: string;
  passed: boolean;
  reason: string;
}

/**
 * The request a new version answers before it gets traffic: its first route with every path
 * parameter `smoke-test`, no body, no credentials. Whatever the route, a healthy version answers
 * it in the contract's error shape or with data, never with a 5xx: so a version that cannot load,
 * reach its table or read its config fails here, before any user sees it.
 */
export function smokeEvent(target: SmokeTarget): APIGatewayProxyEvent {
  const path = target.route.replace(/\{[^}]+\}/g, 'smoke-test');
  const pathParameters = Object.fromEntries([...target.route.matchAll(/\{([^}+]+)\+?\}/g)].map(([, name]) => [name, 'smoke-test']));
  return {
    resource: target.route,
    path,
    httpMethod: target.method,
    headers: { 'user-agent': 'yubl-pre-traffic-hook', 'x-correlation-id': `pre-traffic-${Date.now()}` },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { httpMethod: target.method, path, resourcePath: target.route, requestId: 'pre-traffic-hook', identity: { sourceIp: '127.0.0.1' } },
  } as unknown as APIGatewayProxyEvent;
}

/** What counts as healthy: Lambda ran it without a function error, and it answered below 500 with JSON. */
export function judge(target: SmokeTarget, invoked: { FunctionError?: string; Payload?: Uint8Array }): SmokeResult {
  const text = invoked.Payload ? Buffer.from(invoked.Payload).toString('utf8') : '';
  if (invoked.FunctionError) return { function: target.function, passed: false, reason: `function error (${invoked.FunctionError}): ${text.slice(0, 200)}` };
  let answer: { statusCode?: unknown; body?: unknown };
  try {
    answer = JSON.parse(text);
  } catch {
    return { function: target.function, passed: false, reason: `answered no JSON: ${text.slice(0, 200)}` };
  }
  if (typeof answer?.statusCode !== 'number') return { function: target.function, passed: false, reason: `answered no HTTP response: ${text.slice(0, 200)}` };
  if (answer.statusCode >= 500) return { function: target.function, passed: false, reason: `answered ${answer.statusCode}: ${String(answer.body).slice(0, 200)}` };
  return { function: target.function, passed: true, reason: `answered ${answer.statusCode}` };
}

interface HookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

/**
 * CodeDeploy's BeforeAllowTraffic hook: invokes every new version of the project (SMOKE_TEST_TARGETS,
 * written by scripts/serverless-release) with its smoke request and reports Succeeded only when
 * all of them pass. It always reports: a hook that never answers holds the deployment for an hour.
 */
export function preTrafficHook({
  lambda = new LambdaClient({}),
  codeDeploy = new CodeDeployClient({}),
  targets = () => JSON.parse(process.env.SMOKE_TEST_TARGETS ?? '[]') as SmokeTarget[],
  log = logger,
} = {}) {
  return async (event: HookEvent): Promise<SmokeResult[]> => {
    let results: SmokeResult[];
    try {
      results = await Promise.all(
        targets().map(async (target) => {
          try {
            const invoked = await lambda.send(new InvokeCommand({ FunctionName: target.version, Payload: JSON.stringify(smokeEvent(target)) }));
            return judge(target, invoked);
          } catch (error) {
            return { function: target.function, passed: false, reason: `could not be invoked: ${(error as Error).message}` };
          }
        }),
      );
    } catch (error) {
      results = [{ function: '*', passed: false, reason: `no targets: ${(error as Error).message}` }];
    }
    const passed = results.length > 0 && results.every((r) => r.passed);
    if (passed) log.info('pre-traffic smoke test passed', { deploymentId: event.DeploymentId, results });
    else log.error('pre-traffic smoke test failed', { deploymentId: event.DeploymentId, results });
    await codeDeploy.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: event.DeploymentId,
        lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
        status: passed ? 'Succeeded' : 'Failed',
      }),
    );
    return results;
  };
}
