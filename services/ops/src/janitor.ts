// The janitor: old Lambda versions of a stage deleted, so that deploys do not pile them up against
// the account's code storage. Kept, always: $LATEST, every version an alias points to (a weighted
// alias's second version included: a canary in flight), every version with provisioned
// concurrency, and the newest `keep`. Plain values in and out; the Lambda API is behind
// JanitorPorts (adapters/lambda.ts).

export interface AliasTarget {
  name: string;
  version: string;
  /** RoutingConfig.AdditionalVersionWeights: version -> weight */
  additionalVersions: string[];
}

export interface FunctionVersions {
  /** every version ListVersionsByFunction names, $LATEST included */
  versions: string[];
  aliases: AliasTarget[];
  /** the qualifiers (versions or alias names) that have provisioned concurrency */
  provisioned: string[];
}

export type KeptBecause = '$LATEST' | 'alias' | 'provisioned concurrency' | 'newest';

export interface Plan {
  remove: string[];
  keep: { version: string; because: KeptBecause }[];
}

export class InvalidKeepCountError extends Error {
  constructor(readonly value: unknown) {
    super(`the number of versions to keep must be a whole number of at least 1, got ${JSON.stringify(value)}`);
    this.name = 'InvalidKeepCountError';
  }
}

/** Which versions of one function go. Versions sort as numbers ("10" is newer than "9"). */
export function planPruning({ versions, aliases, provisioned }: FunctionVersions, keepNewest: number): Plan {
  // A keep count that is not a number would keep nothing: refuse it before anything is deleted.
  if (!Number.isInteger(keepNewest) || keepNewest < 1) throw new InvalidKeepCountError(keepNewest);
  const because = new Map<string, KeptBecause>();
  const aliasNames = new Map(aliases.map((alias) => [alias.name, alias]));
  for (const alias of aliases) for (const version of [alias.version, ...alias.additionalVersions]) because.set(version, 'alias');
  for (const qualifier of provisioned) {
    // Provisioned concurrency sits on a version or on an alias (whose versions are kept already).
    const alias = aliasNames.get(qualifier);
    if (!alias && !because.has(qualifier)) because.set(qualifier, 'provisioned concurrency');
  }
  const published = versions.filter((version) => /^\d+$/.test(version)).sort((a, b) => Number(b) - Number(a));
  for (const version of published.slice(0, keepNewest)) if (!because.has(version)) because.set(version, 'newest');
  if (versions.includes('$LATEST')) because.set('$LATEST', '$LATEST');
  return {
    remove: published.filter((version) => !because.has(version)).sort((a, b) => Number(a) - Number(b)),
    keep: [...because].filter(([version]) => versions.includes(version)).map(([version, reason]) => ({ version, because: reason })),
  };
}

export interface JanitorPorts {
  /** the names of the stage's functions, every page */
  functions(): AsyncIterable<string>;
  versionsOf(functionName: string): Promise<FunctionVersions>;
  deleteVersion(functionName: string, version: string): Promise<void>;
}

/** A deletion Lambda refuses for this version only (a Lambda@Edge replica, a version still in use). */
export class VersionInUseError extends Error {
  constructor(readonly functionName: string, readonly version: string, options: { cause: unknown }) {
    super(`${functionName}:${version} cannot be deleted: ${(options.cause as Error)?.message ?? options.cause}`, options);
    this.name = 'VersionInUseError';
  }
}

export interface FunctionReport {
  functionName: string;
  removed: string[];
  kept: Plan['keep'];
  /** versions Lambda refused to delete, with why */
  refused: { version: string; reason: string }[];
}

/** Prunes every function of the stage; with dryRun, deletes nothing and reports what it would. */
export async function pruneStage(ports: JanitorPorts, { keepNewest, dryRun }: { keepNewest: number; dryRun: boolean }): Promise<FunctionReport[]> {
  const reports: FunctionReport[] = [];
  for await (const functionName of ports.functions()) {
    const plan = planPruning(await ports.versionsOf(functionName), keepNewest);
    const report: FunctionReport = { functionName, removed: [], kept: plan.keep, refused: [] };
    for (const version of plan.remove) {
      if (dryRun) {
        report.removed.push(version);
        continue;
      }
      try {
        await ports.deleteVersion(functionName, version);
        report.removed.push(version);
      } catch (error) {
        if (!(error instanceof VersionInUseError)) throw error;
        report.refused.push({ version, reason: error.message });
      }
    }
    reports.push(report);
  }
  return reports;
}
