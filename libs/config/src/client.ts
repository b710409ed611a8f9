import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { log } from '@yubl/logger';
import { ConfigServiceError, ConfigServiceProvider, type ConfigEntry } from './provider';
import { sdkClientOptions } from '@yubl/aws';

export interface ConfigClientOptions {
  /** the values this function needs, as service/key (e.g. auth/jwt-secret): fetched at once */
  keys: string[];
  /** the API's base URL (default CONFIG_API_URL) */
  baseUrl?: string;
  /** the read API key (default CONFIG_API_KEY) */
  apiKey?: string;
  /** refresh in the background this often, ±10 % (default CONFIG_REFRESH_SECONDS or 60) */
  refreshSeconds?: number;
  /** serve a value at most this old when the config service fails (default 3600) */
  maxStaleSeconds?: number;
  /** decrypts encrypted entries (default: a KMS client from the environment) */
  kms?: Pick<KMSClient, 'send'>;
  /**
   * values served while the config service says an entry does not exist (404): a switch with a
   * documented default needs no entry until someone turns it. Never used when the service fails.
   */
  defaults?: Record<string, string>;
}

export interface ConfigClient {
  /** the value (decrypted, for a secret); throws if it was never loaded or is too stale */
  get(name: string): Promise<string>;
  /** stops the background refresh (tests) */
  stop(): void;
}

/** A value a function asked for could not be served: never loaded, or stale past the limit. */
export class ConfigUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigUnavailableError';
  }
}

const RELOAD_INTERVAL_MS = 1_000;

/** True when the config service answered 404 (Powertools wraps the provider's error in its own). */
function isAbsent(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ConfigServiceError) return cause.status === 404;
  }
  return false;
}

interface Loaded {
  version: number;
  value: string;
  loadedAt: number;
}

/**
 * Config for a function, read from the config service (ConfigServiceProvider), with a cache of its own
 * (README.md says why not Powertools' BaseProvider):
 * - the values are fetched as soon as the client is made, during the init phase;
 * - a secret is decrypted with KMS once per version, under the context {service, key};
 * - a refresh runs in the background every refreshSeconds with jitter, on a timer that never keeps
 *   the event loop alive;
 * - when the config service fails, the last value is served with a warning, up to maxStaleSeconds;
 * - a value whose first load failed (the config service slow or down while the function started)
 *   is loaded again by the next get(), one attempt at a time and at most one a second, rather than
 *   failing every request until the next background refresh;
 * - get() fails, clearly, only for a value that could not be loaded (or is older than that).
 */
export function createConfigClient(options: ConfigClientOptions): ConfigClient {
  const {
    keys,
    baseUrl = process.env.CONFIG_API_URL ?? '',
    apiKey = process.env.CONFIG_API_KEY ?? '',
    refreshSeconds = Number(process.env.CONFIG_REFRESH_SECONDS ?? 60),
    maxStaleSeconds = 3600,
    defaults = {},
  } = options;
  const provider = new ConfigServiceProvider(baseUrl, apiKey);
  let kms = options.kms;
  const loaded = new Map<string, Loaded>();
  const lastError = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // name -> the load a get() started for a value never loaded, and when the last one ended
  const reloading = new Map<string, Promise<void>>();
  const lastReload = new Map<string, number>();

  async function decrypt(entry: ConfigEntry): Promise<string> {
    kms ??= new KMSClient(sdkClientOptions());
    try {
      const { Plaintext } = await kms.send(
        new DecryptCommand({ CiphertextBlob: Buffer.from(entry.value, 'base64'), EncryptionContext: { service: entry.service, key: entry.key } }),
      );
      return Buffer.from(Plaintext!).toString('utf8');
    } catch (error) {
      throw new Error(`version ${entry.version} could not be decrypted (${(error as Error).name}: ${(error as Error).message})`, { cause: error });
    }
  }

  async function load(name: string): Promise<void> {
    try {
      const entry = await provider.get(name);
      const previous = loaded.get(name);
      if (previous && previous.version === entry.version) {
        previous.loadedAt = Date.now();
        return;
      }
      const value = entry.encrypted ? await decrypt(entry) : entry.value;
      loaded.set(name, { version: entry.version, value, loadedAt: Date.now() });
      lastError.delete(name);
    } catch (error) {
      if (Object.hasOwn(defaults, name) && isAbsent(error)) {
        // Version 0: the first entry written (version 1) replaces it at the next refresh.
        loaded.set(name, { version: 0, value: defaults[name]!, loadedAt: Date.now() });
        lastError.delete(name);
        return;
      }
      const reason = (error as Error).message;
      lastError.set(name, reason);
      const previous = loaded.get(name);
      log.warn(previous ? 'config refresh failed; serving the last value' : 'config value could not be loaded', {
        config: name,
        reason,
        ...(previous ? { version: previous.version, ageSeconds: Math.round((Date.now() - previous.loadedAt) / 1000) } : {}),
      });
    }
  }

  function schedule(): void {
    if (stopped || refreshSeconds <= 0) return;
    const jitter = 0.9 + Math.random() * 0.2;
    timer = setTimeout(() => {
      void Promise.all(keys.map(load)).then(schedule);
    }, refreshSeconds * 1000 * jitter);
    timer.unref();
  }

  const ready = Promise.all(keys.map(load)).then(schedule);

  /** One more try at a value that was never loaded: shared by concurrent gets, once a second at most. */
  function reload(name: string): Promise<void> {
    const inFlight = reloading.get(name);
    if (inFlight) return inFlight;
    if (Date.now() - (lastReload.get(name) ?? 0) < RELOAD_INTERVAL_MS) return Promise.resolve();
    const attempt = load(name).finally(() => {
      reloading.delete(name);
      lastReload.set(name, Date.now());
    });
    reloading.set(name, attempt);
    return attempt;
  }

  return {
    async get(name) {
      if (!keys.includes(name)) throw new ConfigUnavailableError(`config value ${name} was not declared in createConfigClient({ keys })`);
      await ready;
      if (!loaded.has(name)) await reload(name);
      const value = loaded.get(name);
      if (!value) throw new ConfigUnavailableError(`config value ${name} has never been loaded: ${lastError.get(name) ?? 'unknown reason'}`);
      const ageSeconds = (Date.now() - value.loadedAt) / 1000;
      if (ageSeconds > maxStaleSeconds) {
        throw new ConfigUnavailableError(`config value ${name} is ${Math.round(ageSeconds)} s old, over the ${maxStaleSeconds} s limit: ${lastError.get(name) ?? ''}`);
      }
      return value.value;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
