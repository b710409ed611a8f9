import { callRetryingUnavailable, fuzzEndpoint, type HttpAnswer, type HttpEndpoint } from '../../src';

// An endpoint that answers 200 to everything and writes down which {service} it was sent.
function recordingEndpoint(seen: string[]): HttpEndpoint {
  return {
    method: 'GET',
    resource: '/things/{service}',
    handler: async () => async (event: { pathParameters: { service: string } }) => {
      seen.push(event.pathParameters.service);
      return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-correlation-id': 'c' }, body: '{}' };
    },
  };
}

describe('fuzzEndpoint', () => {
  it('sends the known path values among random ones', async () => {
    const seen: string[] = [];
    await fuzzEndpoint(recordingEndpoint(seen), { known: { pathValues: ['auth'] }, runs: 200 });
    expect(seen).toContain('auth');
  });

  it('never sends what `never` protects, however often it would come up', async () => {
    const seen: string[] = [];
    await fuzzEndpoint(recordingEndpoint(seen), { known: { pathValues: ['auth', 'other'] }, runs: 200, never: ({ service }) => service === 'auth' });
    expect(seen).toContain('other');
    expect(seen).not.toContain('auth');
  });
});

describe('callRetryingUnavailable', () => {
  const unavailable: HttpAnswer = { status: 503, headers: { 'retry-after': '0', 'x-correlation-id': 'c' }, body: { error: { code: 'ServiceUnavailable', message: 'try again' } } };
  const ok: HttpAnswer = { status: 200, headers: { 'x-correlation-id': 'c' }, body: {} };
  const answering = (answers: HttpAnswer[]) => {
    const sent = { count: 0 };
    return { sent, call: async () => answers[Math.min(sent.count++, answers.length - 1)]! };
  };

  it('sends a request again while it is told to try again shortly, and judges what it then gets', async () => {
    const { sent, call } = answering([unavailable, ok]);
    await expect(callRetryingUnavailable(call)).resolves.toBe(ok);
    expect(sent.count).toBe(2);
  });

  it('gives up after its attempts: a request answered 503 every time still reaches the verdict as a 503', async () => {
    const { sent, call } = answering([unavailable]);
    await expect(callRetryingUnavailable(call, 3)).resolves.toBe(unavailable);
    expect(sent.count).toBe(3);
  });

  it('sends a 503 without Retry-After, or any other 5xx, once: those are defects, not "try again"', async () => {
    const noRetryAfter = { ...unavailable, headers: { 'x-correlation-id': 'c' } };
    const internal = { ...unavailable, status: 500, body: { error: { code: 'InternalServerError', message: 'x' } } };
    for (const answer of [noRetryAfter, internal]) {
      const { sent, call } = answering([answer, ok]);
      await expect(callRetryingUnavailable(call)).resolves.toBe(answer);
      expect(sent.count).toBe(1);
    }
  });
});
