import { log } from '@yubl/logger';

/**
 * Where this function's events go while its service is served outside Lambda (docs/design.md
 * "Leaving Lambda"): the config value FORWARDING_CONFIG_KEY names (e.g. `feed/forward-to`, a URL),
 * read from the config service when the function starts and again every
 * FORWARDING_REFRESH_SECONDS (default 60) on a timer that never holds the process open. Absent, or
 * anything but an http(s) URL (`off`): nothing is forwarded. A function without FORWARDING_CONFIG_KEY and CONFIG_API_URL never
 * asks. One plain fetch, not @yubl/config's client: that one brings Powertools and KMS into every
 * bundle, for one value that is never secret.
 */
export class ForwardingTarget {
  /** the served instance's base URL, when forwarding is on */
  url: string | undefined;
  /** set until the first read has ended: an invocation waits for it rather than guess */
  pending: Promise<void> | undefined;

  constructor(
    private readonly entryUrl: string,
    private readonly apiKey: string,
    private readonly refreshSeconds: number,
  ) {
    this.pending = this.read().then(() => {
      this.pending = undefined;
      this.schedule();
    });
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

  private schedule(): void {
    if (this.refreshSeconds <= 0) return;
    setTimeout(() => void this.read().then(() => this.schedule()), this.refreshSeconds * 1000).unref();
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
