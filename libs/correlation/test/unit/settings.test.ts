import { settingsFromEnv } from '../../src';

describe('correlation settings', () => {
  it('default to a 1 % debug sample and a 10-hop call chain', () => {
    expect(settingsFromEnv({})).toEqual({ debugSampleRate: 0.01, maxCallChainLength: 10 });
  });

  it.each([['0', 0], ['1', 1], ['0.25', 0.25]])('take DEBUG_LOG_SAMPLE_RATE=%s as %d', (value, rate) => {
    expect(settingsFromEnv({ DEBUG_LOG_SAMPLE_RATE: value }).debugSampleRate).toBe(rate);
  });

  it.each(['', ' ', 'often', '-0.1', '1.01', 'NaN', 'Infinity'])('ignore DEBUG_LOG_SAMPLE_RATE=%j, a rate from 0 to 1 being wanted', (value) => {
    expect(settingsFromEnv({ DEBUG_LOG_SAMPLE_RATE: value }).debugSampleRate).toBe(0.01);
  });

  it.each([['1', 1], ['25', 25]])('take MAX_CALL_CHAIN_LENGTH=%s as %d', (value, length) => {
    expect(settingsFromEnv({ MAX_CALL_CHAIN_LENGTH: value }).maxCallChainLength).toBe(length);
  });

  it.each(['', '0', '-3', '2.5', 'ten'])('ignore MAX_CALL_CHAIN_LENGTH=%j, a whole number of hops being wanted', (value) => {
    expect(settingsFromEnv({ MAX_CALL_CHAIN_LENGTH: value }).maxCallChainLength).toBe(10);
  });

  it('read the function`s environment by default', () => {
    process.env.MAX_CALL_CHAIN_LENGTH = '4';
    try {
      expect(settingsFromEnv().maxCallChainLength).toBe(4);
    } finally {
      delete process.env.MAX_CALL_CHAIN_LENGTH;
    }
  });
});
