import { HTTP_CALL_TIMEOUT_MS } from '@yubl/aws';
import { correlatedFetch } from '@yubl/correlation';

/** An entry as the config service answers it (docs/api.md). */
export interface ConfigEntry {
  service: string;
  key: string;
  value: string;
  encrypted: boolean;
  version: number;
  updatedAt: string;
}

export class ConfigServiceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ConfigServiceError';
  }
}

/**
 * The config service's read API: `get('auth/jwt-secret')` fetches one entry over HTTP with the read
 * API key, every call a fetch. The cache is the config client's (client.ts; README.md says why it
 * is not Powertools' BaseProvider).
 */
export class ConfigServiceProvider {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = HTTP_CALL_TIMEOUT_MS,
  ) {}

  async get(name: string): Promise<ConfigEntry> {
    const [service, ...key] = name.split('/');
    const path = `/config/${encodeURIComponent(service!)}/${encodeURIComponent(key.join('/'))}`;
    const response = await correlatedFetch(`${this.baseUrl}${path}`, { headers: { 'x-api-key': this.apiKey }, timeoutMs: this.timeoutMs });
    if (!response.ok) throw new ConfigServiceError(`the config service answered ${response.status} for ${path}`, response.status);
    return (await response.json()) as ConfigEntry;
  }
}
