// API Gateway's own refusals, through the gateway (the local cloud's, or a deployed stage's with
// TEST_BASE_URL): each answers docs/api.md's status and code ("Refusals API Gateway makes") in the
// error shape, with an id. Locally the gateway renders what the services declare, so a declaration
// that strays from the contract fails here as it would on AWS.
import { hasErrorShape, localCloud, testMode } from '@yubl/test-harness';

const baseUrl = () => process.env.TEST_BASE_URL ?? localCloud().baseUrl;

async function call(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const response = await fetch(`${baseUrl()}${path}`, { method, headers });
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.json() };
}

const refusal = (status: number, code: string) => ({
  status,
  headers: expect.objectContaining({ 'x-correlation-id': expect.stringMatching(/\S/), 'x-amzn-requestid': expect.stringMatching(/\S/) }),
  body: { error: expect.objectContaining({ code, message: expect.any(String), requestId: expect.stringMatching(/\S/) }) },
});

// Only through the gateway: in process no gateway refuses anything.
(testMode() === 'http' ? describe : describe.skip)('the refusals API Gateway makes', () => {
  it('a missing or unknown API key: 403 Forbidden', async () => {
    for (const headers of [{}, { 'x-api-key': 'not-a-key' }] as Record<string, string>[]) {
      const answer = await call('/config/auth', headers);
      expect(answer).toMatchObject(refusal(403, 'Forbidden'));
      expect(hasErrorShape(answer.body)).toBe(true);
    }
  });

  it('a bad bearer token at the custom authorizer: 401 Unauthorized, echoing the client’s x-correlation-id', async () => {
    const answer = await call('/feed', { authorization: 'Bearer not-a-token', 'x-correlation-id': 'refusal-test-1' });
    expect(answer).toMatchObject(refusal(401, 'Unauthorized'));
    expect(answer.headers['x-correlation-id']).toBe('refusal-test-1');
  });

  it('an unknown route, or a method a path does not take: 404 NotFound', async () => {
    for (const [path, method] of [
      ['/no-such-api/anything', 'GET'],
      ['/yubls/some-id/nothing-here', 'GET'],
      ['/search/users', 'DELETE'],
    ]) {
      const answer = await call(path!, {}, method);
      expect({ path, answer }).toMatchObject({ path, answer: refusal(404, 'NotFound') });
    }
  });
});
