import { BaseProvider } from '@aws-lambda-powertools/parameters/base';
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
 * The config service as a Powertools Parameters provider: `get('auth/jwt-secret')` fetches one
 * entry over HTTP with the read API key (BaseProvider adds its cache and error wrapping);
 * `getMultiple('auth')` every entry of a service.
 */
export class ConfigServiceProvider extends BaseProvider {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 2_000,
  ) {
    super({});
  }

  private async request(path: string): Promise<unknown> {
    const response = await correlatedFetch(`${this.baseUrl}${path}`, { headers: { 'x-api-key': this.apiKey }, timeoutMs: this.timeoutMs });
    if (!response.ok) throw new ConfigServiceError(`the config service answered ${response.status} for ${path}`, response.status);
    return response.json();
  }

  protected async _get(name: string): Promise<ConfigEntry> {
    const [service, ...key] = name.split('/');
    return (await this.request(`/config/${encodeURIComponent(service!)}/${encodeURIComponent(key.join('/'))}`)) as ConfigEntry;
  }

  protected async _getMultiple(service: string): Promise<Record<string, ConfigEntry>> {
    const { items } = (await this.request(`/config/${encodeURIComponent(service)}`)) as { items: ConfigEntry[] };
    return Object.fromEntries(items.map((entry) => [entry.key, entry]));
  }
}
