// The team's rules over what would be deployed: every project's packaged template, for every stage
// whose template can differ (PACKAGED_STAGES). Least privilege per function, tags on everything
// that takes them, API Gateway's refusals as docs/api.md lists them. The first run packages every
// project for each stage (30 packages: 72–94 s on a quiet 2-core machine, up to ten minutes on
// a busy one; reused after while the inputs are unchanged: ../packaged-templates.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGED_STAGES, packagedTemplates, projectDirs, type Packaged } from '../packaged-templates';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load: (text: string) => unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TAGGABLE, UNTAGGABLE } = require('../../serverless-tags/taggable') as { TAGGABLE: Set<string>; UNTAGGABLE: Set<string> };

/**
 * Actions that take no resource ARN, only "*" (the Service Authorization Reference lists no
 * resource type for them); a statement of these alone may name "*", held by a Condition where the
 * service offers one (cloudwatch:namespace for PutMetricData).
 */
const ONLY_STAR_ACTIONS = new Set(['cloudwatch:PutMetricData', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'lambda:ListFunctions', 'iot:DescribeEndpoint']);

const TAG_KEYS = ['service', 'stage', 'owner', 'cost-center'];

let packaged: Packaged[] = [];
beforeAll(async () => {
  packaged = await packagedTemplates();
}, 1_800_000);

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}

/** Every identity-policy statement of a template, with where it sits. */
function statementsOf({ template }: Packaged): { where: string; statement: Statement }[] {
  const found: { where: string; statement: Statement }[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const documents =
      resource.Type === 'AWS::IAM::Role'
        ? (resource.Properties.Policies ?? []).map((policy: any) => policy.PolicyDocument)
        : ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type)
          ? [resource.Properties.PolicyDocument]
          : [];
    for (const document of documents) for (const statement of [].concat(document.Statement)) found.push({ where: id, statement });
  }
  return found;
}

/** What is wrong with one statement, or nothing. */
function leastPrivilegeViolations(statement: Statement): string[] {
  if (statement.Effect !== 'Allow') return [];
  const problems: string[] = [];
  if (statement.NotAction !== undefined) problems.push('NotAction allows everything else');
  if (statement.NotResource !== undefined) problems.push('NotResource allows everything else');
  const actions = ([] as string[]).concat(statement.Action ?? []);
  for (const action of actions) if (action.includes('*')) problems.push(`wildcard action ${action}`);
  const resources = ([] as unknown[]).concat(statement.Resource ?? []);
  if (resources.includes('*')) {
    const scoped = actions.filter((action) => !ONLY_STAR_ACTIONS.has(action));
    if (scoped.length > 0) problems.push(`Resource "*" for ${scoped.join(', ')}, which take resource ARNs`);
  }
  return problems;
}

describe('the packaged templates', () => {
  it('are packaged for every project and stage', () => {
    expect(packaged.map((p) => `${p.stage}/${p.project}`).sort()).toEqual(PACKAGED_STAGES.flatMap((stage) => projectDirs().map(({ project }) => `${stage}/${project}`)).sort());
  });

  // services/common.yml turns the framework's dev-dependency exclusion off (it ran two `npm ls
  // --all` in every package) because no zip here is the framework's: each is one bundle.
  it('zip every function as a bundle, no node_modules tree in any zip', () => {
    const zips = packaged.flatMap(({ dir }) => fs.readdirSync(dir).filter((name) => name.endsWith('.zip')).map((name) => path.join(dir, name)));
    expect(zips.length).toBeGreaterThan(packaged.length);
    const withModules = zips.filter((zip) => execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').some((entry) => entry.split('/').includes('node_modules')));
    expect(withModules).toEqual([]);
  });

  it('stand for the stages not packaged: no serverless.yml gives test or demo params of their own', () => {
    for (const { project, dir } of projectDirs()) {
      const config = yaml.load(fs.readFileSync(path.join(dir, 'serverless.yml'), 'utf8')) as { params?: Record<string, unknown> };
      const stages = Object.keys(config.params ?? {}).filter((stage) => !['default', 'local', ...PACKAGED_STAGES].includes(stage));
      expect({ project, stages }).toEqual({ project, stages: [] });
    }
  });
});

describe('least privilege', () => {
  it('no Allow with a wildcard action, nor "*" as the resource of an action that takes ARNs', () => {
    const violations = packaged.flatMap((p) =>
      statementsOf(p).flatMap(({ where, statement }) => leastPrivilegeViolations(statement).map((problem) => `${p.stage}/${p.project} ${where}: ${problem}`)),
    );
    expect(violations).toEqual([]);
    expect(packaged.reduce((sum, p) => sum + statementsOf(p).length, 0)).toBeGreaterThan(0);
  });

  it('every function has a role of its own, declared in its template', () => {
    for (const p of packaged) {
      const functions = Object.entries(p.template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      const roles = functions.map(([id, fn]) => ({ id, role: fn.Properties.Role?.['Fn::GetAtt']?.[0] }));
      for (const { id, role } of roles) {
        expect({ function: `${p.stage}/${p.project} ${id}`, roleType: p.template.Resources[role]?.Type }).toEqual({ function: `${p.stage}/${p.project} ${id}`, roleType: 'AWS::IAM::Role' });
      }
      const shared = roles.filter(({ role }, i) => roles.findIndex((other) => other.role === role) !== i);
      expect({ project: `${p.stage}/${p.project}`, shared }).toEqual({ project: `${p.stage}/${p.project}`, shared: [] });
    }
  });

  it('the rule itself: refuses what it must, lets through what it may', () => {
    expect(leastPrivilegeViolations({ Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:::table/t' })).toEqual(['wildcard action dynamodb:*']);
    expect(leastPrivilegeViolations({ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*' })).toHaveLength(1);
    expect(leastPrivilegeViolations({ Effect: 'Allow', Action: ['cloudwatch:PutMetricData', 'sqs:SendMessage'], Resource: ['*'] })).toHaveLength(1);
    expect(leastPrivilegeViolations({ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b' })).toHaveLength(1);
    expect(leastPrivilegeViolations({ Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*' })).toEqual([]);
    expect(leastPrivilegeViolations({ Effect: 'Deny', Action: '*', Resource: '*' })).toEqual([]);
  });
});

describe('tags', () => {
  it('every resource whose type takes Tags carries service, stage, owner and cost-center', () => {
    const missing: string[] = [];
    for (const p of packaged) {
      for (const [id, resource] of Object.entries(p.template.Resources)) {
        if (!TAGGABLE.has(resource.Type)) continue;
        const tags = Object.fromEntries((resource.Properties?.Tags ?? []).map((tag: { Key: string; Value: unknown }) => [tag.Key, tag.Value]));
        const absent = TAG_KEYS.filter((key) => typeof tags[key] !== 'string' || tags[key] === '');
        if (absent.length > 0) missing.push(`${p.stage}/${p.project} ${id} (${resource.Type}): ${absent.join(', ')}`);
        if (tags.stage !== undefined && tags.stage !== p.stage) missing.push(`${p.stage}/${p.project} ${id}: stage tag ${tags.stage}`);
        if (tags.service !== undefined && tags.service !== p.service.service) missing.push(`${p.stage}/${p.project} ${id}: service tag ${tags.service}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every resource type in a template is known to take Tags or not (scripts/serverless-tags/taggable.js)', () => {
    const types = new Set(packaged.flatMap((p) => Object.values(p.template.Resources).map((r) => r.Type)));
    expect([...types].filter((type) => !TAGGABLE.has(type) && !UNTAGGABLE.has(type))).toEqual([]);
  });

  it('every stack carries the four as stack tags', () => {
    for (const p of packaged) {
      const tags = p.service.provider.stackTags ?? {};
      expect({ stack: `${p.stage}/${p.project}`, keys: TAG_KEYS.filter((key) => tags[key]) }).toEqual({ stack: `${p.stage}/${p.project}`, keys: TAG_KEYS });
      expect([tags.service, tags.stage]).toEqual([p.service.service, p.stage]);
    }
  });
});

/** docs/api.md's "Refusals API Gateway makes": response type -> status (undefined: the type's own) and code. */
function documentedRefusals(): Map<string, { status?: number; code: string }> {
  const doc = fs.readFileSync(path.join(__dirname, '../../../docs/api.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### Refusals API Gateway makes'));
  const rows = section.slice(0, section.indexOf('\n#')).split('\n').filter((line) => /^\| `[A-Z_0-9]+` \|/.test(line));
  return new Map(
    rows.map((row) => {
      const [type, status, code] = row.split('|').slice(1, 4).map((cell) => cell.trim().replaceAll('`', ''));
      return [type!, { status: /^\d+$/.test(status!) ? Number(status) : undefined, code: code! }];
    }),
  );
}

describe('gateway responses', () => {
  it("docs/api.md's table of refusals is read", () => {
    const documented = documentedRefusals();
    expect([...documented.keys()]).toEqual(expect.arrayContaining(['INVALID_API_KEY', 'UNAUTHORIZED', 'ACCESS_DENIED', 'THROTTLED', 'REQUEST_TOO_LARGE', 'BAD_REQUEST_BODY', 'MISSING_AUTHENTICATION_TOKEN', 'DEFAULT_4XX', 'DEFAULT_5XX']));
    expect(documented.get('UNAUTHORIZED')).toEqual({ status: 401, code: 'Unauthorized' });
  });

  it("every REST API declares each documented refusal with the doc's status and code as literals, and the correlation ids", () => {
    const documented = documentedRefusals();
    const problems: string[] = [];
    for (const p of packaged) {
      const resources = Object.entries(p.template.Resources);
      const apis = resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::RestApi').map(([id]) => id);
      for (const api of apis) {
        const declared = new Map(resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::GatewayResponse' && r.Properties.RestApiId?.Ref === api).map(([id, r]) => [r.Properties.ResponseType, { id, ...r.Properties }]));
        for (const [type, { status, code }] of documented) {
          const where = `${p.stage}/${p.project} ${api} ${type}`;
          const response = declared.get(type);
          if (!response) {
            problems.push(`${where}: not declared`);
            continue;
          }
          if ((response.StatusCode === undefined ? undefined : Number(response.StatusCode)) !== status) problems.push(`${where}: status ${response.StatusCode}, docs say ${status ?? "the type's own"}`);
          const template: string = response.ResponseTemplates?.['application/json'] ?? '';
          if (template.includes('$context.error.responseType')) problems.push(`${where}: the code comes from $context.error.responseType`);
          let body: any;
          try {
            // As API Gateway substitutes them (no VTL runs on gateway response templates).
            body = JSON.parse(template.replaceAll('$context.error.messageString', '"a message"').replaceAll('$context.requestId', 'a-request-id'));
          } catch {
            problems.push(`${where}: the template is not JSON: ${template}`);
            continue;
          }
          if (body?.error?.code !== code) problems.push(`${where}: code ${body?.error?.code}, docs say ${code}`);
          if (typeof body?.error?.message !== 'string') problems.push(`${where}: no message`);
          if (body?.error?.requestId !== 'a-request-id') problems.push(`${where}: no error.requestId from $context.requestId`);
          if (response.ResponseParameters?.['gatewayresponse.header.x-correlation-id'] !== 'method.request.header.x-correlation-id') problems.push(`${where}: the client's x-correlation-id is not sent back`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(packaged.some((p) => Object.values(p.template.Resources).some((r) => r.Type === 'AWS::ApiGateway::GatewayResponse'))).toBe(true);
  });
});
