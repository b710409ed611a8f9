import { isWarmup } from '../../src';

describe('a warm-up ping', () => {
  it('is the event serverless-plugin-warmup sends', () => {
    expect(isWarmup({ source: 'serverless-plugin-warmup' })).toBe(true);
  });

  it('is nothing else, whatever the event is', () => {
    for (const event of [null, undefined, 'serverless-plugin-warmup', 1, {}, { source: 'aws.events' }, [{ source: 'serverless-plugin-warmup' }]]) expect(isWarmup(event)).toBe(false);
  });
});
