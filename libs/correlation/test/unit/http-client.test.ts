import { correlatedFetch } from '../../src';

describe('correlatedFetch with a signal of the caller`s', () => {
  it('is aborted by it, before any connection', async () => {
    // port 9 (discard) is closed on the test machine: a call that got that far would fail otherwise
    await expect(correlatedFetch('http://127.0.0.1:9/', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
