import { log } from '@yubl/logger';

/**
 * Where this function's events go while its service is served outside Lambda (docs/design.md
 * "Leaving Lambda"): the config value FORWARDING_CONFIG_KEY names (e.g. `feed/forward-to`, a URL),
 * read from the config service when the function starts and again by the first invocation that
 * finds the last read older than FORWARDING_REFRESH_SECONDS (default 60; 0: never again). Read on
 * demand, not on a timer: an idle instance asks nothing (on AWS a frozen one could not; locally
 * every idle worker of every forwarding function polled the config service every 2 s), and a switch
 * still reaches every invocation that starts a refresh interval after it. Absent, or anything but an
 * http(s) URL (`off`): nothing is forwarded. A function without FORWARDING_CONFIG_KEY and
 * CONFIG_API_URL never asks. One plain fetch, not @yubl/config's client: that one brings Powertools
 * and KMS into every bundle, for one value that is never secret.
 */
export class ForwardingTarget {
  /** the served instance's base URL, when forwarding is on */
  url: string | undefined;
  /** the read in progress: invocations wait for it rather than guess */
  private reading: Promise<void> | undefined;
  private readAt = 0;

  constructor(
    private readonly entryUrl: string,
    private readonly apiKey: string,
    private readonly refreshSeconds: number,
  ) {
    this.refresh();
  }

  /** Undefined when `url` is fresh enough to use now; else the read to wait for first. */
  current(): Promise<void> | undefined {
    if (this.reading) return this.reading;
    if (this.refreshSeconds <= 0 || Date.now() - this.readAt < this.refreshSeconds * 1000) return undefined;
    return this.refresh();
  }

  private refresh(): Promise<void> {
    this.reading = this.read().then(() => {
      this.readAt = Date.now();
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    try {
      const response = await fetch(this.entryUrl, { headers: { 'x-api-key': this.apiKey }, signal: AbortSignal.timeout(2_000) });
      if (response.status === 404) {
        this.url = undefined;
        return;
      }
      if (!response.ok) throw new Error(`the config service answered ${response.status}`);
      const { value } = (await response.json()) as { value?: unknown };
      // A URL switches forwarding on; anything else (`off`) or no value at all, off.
      this.url = typeof value === 'string' && /^https?:\/\//.test(value) ? value.replace(/\/$/, '') : undefined;
    } catch (error) {
      // Keep what was known: a config service that hiccups must not switch forwarding on or off.
      log.warn('forwarding target could not be read; keeping the last one', { forwardTo: this.url ?? null, reason: (error as Error).message });
    }
  }
}

let shared: ForwardingTarget | null | undefined;

/** The process's one forwarding target, or undefined when the function is not set up to forward. */
export function forwardingTarget(env: NodeJS.ProcessEnv = process.env): ForwardingTarget | undefined {
  if (shared === undefined) {
    const key = env.FORWARDING_CONFIG_KEY;
    const base = env.CONFIG_API_URL;
    if (!key || !base) shared = null;
    else {
      const [service, ...rest] = key.split('/');
      const entryUrl = `${base.replace(/\/$/, '')}/config/${encodeURIComponent(service!)}/${encodeURIComponent(rest.join('/'))}`;
      shared = new ForwardingTarget(entryUrl, env.CONFIG_API_KEY ?? '', Number(env.FORWARDING_REFRESH_SECONDS ?? 60));
    }
  }
  return shared ?? undefined;
}

/** Forgets the process's target (tests). */
export function resetForwardingTarget(): void {
  shared = undefined;
}
