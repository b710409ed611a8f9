import { shippingSettings, subscriptionSettings } from '../../src/settings';

const env = { STAGE: 'dev', OPENSEARCH_URL: 'http://127.0.0.1:9200', DEAD_LETTER_QUEUE_URL: 'http://q', SHIP_LOGS_ARN: 'arn:x', SHIP_LOGS_FUNCTION_NAME: 'ops-dev-ship-logs' };

describe('settings', () => {
  it('have defaults for the retries and the retention, and take them from the environment', () => {
    expect(shippingSettings(env).retry).toEqual({ maxAttempts: 4, baseDelayMs: 200 });
    expect(shippingSettings({ ...env, BULK_RETRY_BASE_MS: '5', BULK_MAX_ATTEMPTS: '2' }).retry).toEqual({ maxAttempts: 2, baseDelayMs: 5 });
    expect(subscriptionSettings(env)).toMatchObject({ retentionInDays: 30, ownGroup: '/aws/lambda/ops-dev-ship-logs', filterName: 'ops-ship-logs' });
    expect(subscriptionSettings({ ...env, LOG_RETENTION_DAYS: '7' }).retentionInDays).toBe(7);
  });

  it('refuse what is missing or not a number', () => {
    expect(() => shippingSettings({ ...env, OPENSEARCH_URL: undefined })).toThrow('OPENSEARCH_URL is not set');
    expect(() => subscriptionSettings({ ...env, LOG_RETENTION_DAYS: 'thirty' })).toThrow('LOG_RETENTION_DAYS');
  });
});
