import { fuzzEndpoint, type HttpEndpoint } from '../../src';

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
