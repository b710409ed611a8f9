// The janitor's ports on Lambda's control plane. Every list is paged (50 items a page, Marker to
// NextMarker) and every call backs off on TooManyRequestsException: Lambda's control-plane APIs
// allow a few calls a second per account, and a stage holds dozens of functions. The SDK's own
// standard retries (3 attempts) come first; the backoff here outlasts them, honouring the
// exception's retryAfterSeconds, and is what the tests exercise (aws-sdk-client-mock stubs `send`,
// below the SDK's retry middleware).
import {
  DeleteFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { VersionInUseError, type FunctionVersions, type JanitorPorts } from '../janitor';

const PAGE_SIZE = 50;

export interface BackoffPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  attempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const isThrottled = (error: unknown) => (error as { name?: string })?.name === 'TooManyRequestsException';

/** Calls `call` until it is not throttled, waiting longer each time (exponential, capped, at least retryAfterSeconds). */
export async function withBackoff<T>(call: () => Promise<T>, policy: BackoffPolicy): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottled(error) || attempt >= policy.attempts) throw error;
      const retryAfterMs = Number((error as { retryAfterSeconds?: string }).retryAfterSeconds ?? 0) * 1000;
      await policy.sleep(Math.min(policy.maxDelayMs, Math.max(retryAfterMs, policy.baseDelayMs * 2 ** (attempt - 1))));
    }
  }
}

/** Every item of a Marker-paged list. */
async function* pages<T>(fetch: (marker: string | undefined) => Promise<{ items: T[]; next?: string }>): AsyncGenerator<T> {
  let marker: string | undefined;
  do {
    const { items, next } = await fetch(marker);
    yield* items;
    marker = next;
  } while (marker);
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}

/**
 * The functions of one stage: named `<service>-<stage>-<function>` (the framework's names) and
 * tagged `stage: <stage>` (scripts/serverless-tags). The tag tells `dev` from `feature-dev`, whose
 * names also hold `-dev-`.
 */
export function lambdaJanitorPorts(stage: string, client = new LambdaClient({}), backoff: BackoffPolicy = DEFAULT_BACKOFF): JanitorPorts {
  const throttled = <T>(call: () => Promise<T>) => withBackoff(call, backoff);
  return {
    async *functions() {
      const listed = pages(async (Marker) => {
        const page = await throttled(() => client.send(new ListFunctionsCommand({ Marker, MaxItems: PAGE_SIZE })));
        return { items: page.Functions ?? [], next: page.NextMarker };
      });
      for await (const fn of listed) {
        if (!fn.FunctionName?.includes(`-${stage}-`) || !fn.FunctionArn) continue;
        const { Tags = {} } = await throttled(() => client.send(new ListTagsCommand({ Resource: fn.FunctionArn })));
        if (Tags.stage === stage) yield fn.FunctionName;
      }
    },

    async versionsOf(FunctionName): Promise<FunctionVersions> {
      const versions = await all(
        pages(async (Marker) => {
          const page = await throttled(() => client.send(new ListVersionsByFunctionCommand({ FunctionName, Marker, MaxItems: PAGE_SIZE })));
          return { items: (page.Versions ?? []).map((v) => v.Version!).filter(Boolean), next: page.NextMarker };
        }),
      );
      const aliases = await all(
        pages(async (Marker) => {
          const page = await throttled(() => client.send(new ListAliasesCommand({ FunctionName, Marker, MaxItems: PAGE_SIZE })));
          const items = (page.Aliases ?? []).map((alias) => ({
            name: alias.Name!,
            version: alias.FunctionVersion!,
            additionalVersions: Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}),
          }));
          return { items, next: page.NextMarker };
        }),
      );
      const provisioned = await all(
        pages(async (Marker) => {
          const page = await throttled(() => client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName, Marker, MaxItems: PAGE_SIZE })));
          // arn:aws:lambda:region:account:function:name:qualifier
          return { items: (page.ProvisionedConcurrencyConfigs ?? []).map((config) => config.FunctionArn?.split(':')[7]).filter((q): q is string => Boolean(q)), next: page.NextMarker };
        }),
      );
      return { versions, aliases, provisioned };
    },

    async deleteVersion(FunctionName, version) {
      try {
        await throttled(() => client.send(new DeleteFunctionCommand({ FunctionName, Qualifier: version })));
      } catch (error) {
        // Lambda@Edge replicas, and versions something still uses, are refused one by one.
        if ((error as { name?: string })?.name === 'ResourceConflictException' || (error as { name?: string })?.name === 'InvalidParameterValueException') {
          throw new VersionInUseError(FunctionName, version, { cause: error });
        }
        throw error;
      }
    },
  };
}
