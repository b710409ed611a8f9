// Which log groups ship-logs receives, decided on plain values.
//
// A group is this stage's when it is `/aws/lambda/<service>-<stage>-<function>`: the framework
// names functions `<service>-<stage>-<function>`, and our service names are one word (no hyphen),
// so the second word is the stage. `feed-dev-test-x` is dev's, never test's, though it holds `-test-`.
// ship-logs' own group is never subscribed: its summary lines would be shipped by itself, which
// would write another summary line, for ever. Every other function of ops (replay, the subscribers)
// is shipped like any other: ship-logs writes nothing because of their lines.

export interface SubscriptionSettings {
  stage: string;
  /** our filter's name: re-putting a filter of the same name is an update, so this is idempotent */
  filterName: string;
  /** ship-logs' ARN */
  destinationArn: string;
  /** ship-logs' own log group */
  ownGroup: string;
  retentionInDays: number;
}

export interface ExistingFilter {
  filterName: string;
  destinationArn?: string;
}

export interface LogGroupState {
  logGroupName: string;
  /** undefined when not known (a group just created) or never set */
  retentionInDays?: number;
  filters: ExistingFilter[];
}

export type Plan =
  | { kind: 'ignore'; reason: 'not this stage' | "ship-logs' own group" }
  | { kind: 'leave'; reason: string }
  | { kind: 'apply'; putFilter: boolean; putRetention: boolean };

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function isStageFunctionGroup(logGroupName: string, stage: string): boolean {
  return new RegExp(`^/aws/lambda/[A-Za-z0-9]+-${escape(stage)}-.+$`).test(logGroupName);
}

export function planFor(group: LogGroupState, settings: SubscriptionSettings): Plan {
  if (group.logGroupName === settings.ownGroup) return { kind: 'ignore', reason: "ship-logs' own group" };
  if (!isStageFunctionGroup(group.logGroupName, settings.stage)) return { kind: 'ignore', reason: 'not this stage' };
  const ours = (filter: ExistingFilter) => filter.filterName === settings.filterName || filter.destinationArn === settings.destinationArn;
  const foreign = group.filters.filter((filter) => !ours(filter));
  // Someone else routes this group's lines: theirs to keep, and AWS allows two filters a group.
  if (foreign.length > 0) return { kind: 'leave', reason: `has a filter that is not ours: ${foreign.map((filter) => filter.filterName).join(', ')}` };
  const putFilter = !group.filters.some(ours);
  const putRetention = group.retentionInDays !== settings.retentionInDays;
  return { kind: 'apply', putFilter, putRetention };
}

export interface SubscriptionPorts {
  filtersOf: (logGroupName: string) => Promise<ExistingFilter[]>;
  /** 'limit-exceeded' when AWS refuses a filter past its limit a group */
  putFilter: (logGroupName: string) => Promise<'ok' | 'limit-exceeded'>;
  putRetention: (logGroupName: string, days: number) => Promise<void>;
}

export type Outcome =
  | { logGroupName: string; outcome: 'ignored' | 'left alone'; reason: string }
  | { logGroupName: string; outcome: 'subscribed' | 'retention set' | 'up to date' };

/** Subscribes one group if it is ours to subscribe; `filters` already known (sweep) saves a call. */
export async function subscribeGroup(
  group: Omit<LogGroupState, 'filters'> & { filters?: ExistingFilter[] },
  settings: SubscriptionSettings,
  ports: SubscriptionPorts,
): Promise<Outcome> {
  const { logGroupName } = group;
  // Decided on the name first, so that groups not ours cost no call.
  const byName = planFor({ ...group, filters: [] }, settings);
  if (byName.kind === 'ignore') return { logGroupName, outcome: 'ignored', reason: byName.reason };
  const plan = planFor({ ...group, filters: group.filters ?? (await ports.filtersOf(logGroupName)) }, settings);
  if (plan.kind !== 'apply') return { logGroupName, outcome: 'left alone', reason: plan.reason };
  if (plan.putFilter && (await ports.putFilter(logGroupName)) === 'limit-exceeded') {
    return { logGroupName, outcome: 'left alone', reason: 'AWS refused another filter (LimitExceededException)' };
  }
  if (plan.putRetention) await ports.putRetention(logGroupName, settings.retentionInDays);
  if (plan.putFilter) return { logGroupName, outcome: 'subscribed' };
  return { logGroupName, outcome: plan.putRetention ? 'retention set' : 'up to date' };
}
