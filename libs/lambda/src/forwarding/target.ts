import { log } from '@yubl/logger';

/**
 * Where this function's events go while its service is served outside Lambda (docs/design.md
 * "Leaving Lambda"): the config value FORWARDING_CONFIG_KEY names (e.g. `feed/forward-to`, a URL),
 * read from the config service when the function starts and again on demand, never on a timer: an
 * idle instance asks nothing (on AWS a frozen one could not; locally every idle worker of every
 * forwarding function polled the config service every 2 s).
 * - An invocation that finds the last read older than FORWARDING_REFRESH_SECONDS (default 60; 0:
 *   never again) waits for a new read before it runs, so a switch reaches every invocation that
 *   starts a refresh interval after it.
 * - One that finds it past EARLY_READ_FRACTION of the interval runs on the value it has and starts
 *   the read beside itself. Under steady traffic the value is renewed before it expires and no
 *   request waits on the config service (locally those waits were GET /feed's slowest requests).
 *   On AWS a read still in flight when the invocation ends is frozen with the instance; it counts
 *   only if it answers, and a later invocation past the interval reads afresh, not trusting it.
 * Absent, or anything but an http(s) URL (`off`): nothing is forwarded. A function without
 * FORWARDING_CONFIG_KEY and CONFIG_API_URL never asks. One plain fetch, not @yubl/config's client:
 * that one brings Powertools and KMS into every bundle, for one value that is never secret.
 */
export const EARLY_READ_FRACTION = 0.75;

export class ForwardingTarget {
  /** the served instance's base URL, when forwarding is on */
  url: string | undefined;
  /** the read invocations wait for, when the value is too old to use */
  private reading: Promise<void> | undefined;
  /** the value (by its readAt) an early read was started for: one early read per value at most */
  private earlyReadFor = -1;
  /** when the read that gave `url` was sent (a failed read that was waited for counts too) */
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
    if (this.refreshSeconds <= 0) return undefined;
    const age = Date.now() - this.readAt;
    const interval = this.refreshSeconds * 1000;
    if (age >= interval) return this.refresh();
    if (age >= interval * EARLY_READ_FRACTION && this.earlyReadFor !== this.readAt) this.refreshEarly();
    return undefined;
  }

  private refresh(): Promise<void> {
    const sentAt = Date.now();
    this.reading = this.read().then((outcome) => {
      // Even a failed read: an unreachable config service is asked again an interval later, not
      // by every invocation meanwhile, and the last known target stands (read() logged why).
      this.apply(outcome, sentAt);
      this.reading = undefined;
    });
    return this.reading;
  }

  private refreshEarly(): void {
    const sentAt = Date.now();
    this.earlyReadFor = this.readAt;
    // One that fails changes nothing: the value ages on, and past the interval an invocation waits
    // for a read of its own.
    void this.read().then((outcome) => {
      if (outcome.read) this.apply(outcome, sentAt);
    });
  }

  /** Takes a read's answer unless a read sent after it has already answered. */
  private apply(outcome: ReadOutcome, sentAt: number): void {
    if (sentAt < this.readAt) return;
    if (outcome.read) this.url = outcome.url;
    this.readAt = sentAt;
  }

  private async read(): Promise<ReadOutcome> {
    try {
      const response = await fetch(this.entryUrl, { headers: { 'x-api-key': this.apiKey }, signal: AbortSignal.timeout(2_000) });
      if (response.status === 404) return { read: true, url: undefined };
      if (!response.ok) throw new Error(`the config service answered ${response.status}`);
      const { value } = (await response.json()) as { value?: unknown };
      // A URL switches forwarding on; anything else (`off`) or no value at all, off.
      return { read: true, url: typeof value === 'string' && /^https?:\/\//.test(value) ? value.replace(/\/$/, '') : undefined };
    } catch (error) {
      // Keep what was known: a config service that hiccups must not switch forwarding on or off.
      log.warn('forwarding target could not be read; keeping the last one', { forwardTo: this.url ?? null, reason: (error as Error).message });
      return { read: false };
    }
  }
}

type ReadOutcome = { read: true; url: string | undefined } | { read: false };

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
