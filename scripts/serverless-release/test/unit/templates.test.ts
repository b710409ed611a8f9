import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { isWarmup } from '@yubl/lambda';
import { packagedTemplates, projectDirs, type Packaged } from '../../../test/packaged-templates';

// What the packaged CloudFormation of every project holds for a release: canary deployments of the
// API functions in staging and prod, warm-ups of their alias, on-demand capacity, and names that
// fit AWS's limits for the longest feature stage. Packaged as ./build.sh package does, by the one
// packager the template tests share (scripts/test/packaged-templates.ts).
type Resources = Record<string, any>;
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
// The API functions: those an API Gateway method integrates (their logical ids appear in its Uri).
const apiFunctions = (resources: Resources) =>
  ofType(resources, 'AWS::Lambda::Function')
    .map(([id]) => id)
    .filter((id) => ofType(resources, 'AWS::ApiGateway::Method').some(([, m]) => JSON.stringify(m.Properties.Integration?.Uri ?? '').includes(`"${id}`)));

const projects = projectDirs().map(({ project }) => project);
/** The projects that serve the API; the first test checks the templates agree. */
const API_PROJECTS = ['config', 'feed', 'partner', 'relationships', 'search', 'users', 'yubls'];

let all: Packaged[] = [];
beforeAll(async () => {
  all = await packagedTemplates();
}, 1_800_000);
const packaged = (project: string, stage: string): Packaged => all.find((p) => p.project === project && p.stage === stage)!;
const prodOf = (project: string): Resources => packaged(project, 'prod').template.Resources;
const prodTemplates = () => projects.map(prodOf);
const alarmNames = () => new Set(prodTemplates().flatMap((resources) => ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.AlarmName)));

describe('packaged for prod', () => {
  it('has API functions in the projects that serve the API', () => {
    expect(projects.filter((project) => apiFunctions(prodOf(project)).length > 0).sort()).toEqual(API_PROJECTS);
  });

  it.each(API_PROJECTS)('%s: every API function is called through its `live` alias, shifted by CodeDeploy 10 %% for 5 minutes, behind the pre-traffic hook, rolled back on its alarms', (project) => {
    const resources = prodOf(project);
    for (const fn of apiFunctions(resources)) {
      const alias = resources[`${fn}Aliaslive`];
      expect(alias).toMatchObject({ Type: 'AWS::Lambda::Alias', Properties: { Name: 'live', FunctionName: { Ref: fn } } });
      // Every method that calls the function calls the alias.
      for (const [, method] of ofType(resources, 'AWS::ApiGateway::Method')) {
        const uri = JSON.stringify(method.Properties.Integration.Uri);
        if (uri.includes(`"${fn}`)) expect(uri).toContain(`{"Ref":"${fn}Aliaslive"}`);
      }
      const update = alias.UpdatePolicy.CodeDeployLambdaAliasUpdate;
      expect(update.BeforeAllowTrafficHook).toEqual({ Ref: 'PreDashtrafficLambdaFunction' });
      const group = resources[update.DeploymentGroupName.Ref];
      expect(group.Type).toBe('AWS::CodeDeploy::DeploymentGroup');
      expect(group.Properties.DeploymentConfigName['Fn::Sub'][1].ConfigName).toBe('Canary10Percent5Minutes');
      expect(group.Properties.AutoRollbackConfiguration).toEqual({ Enabled: true, Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) });
      // The API's 5xx alarm (by name: it may be another project's) and the new version's errors.
      const [api5xx, newVersion] = group.Properties.AlarmConfiguration.Alarms.map((a: { Name: unknown }) => a.Name);
      expect(alarmNames()).toContain(api5xx);
      expect(api5xx).toMatch(/-prod-api-5xx$/);
      const errors = resources[newVersion.Ref];
      expect(errors.Properties).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
      expect(errors.Properties.Dimensions).toContainEqual({ Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [alias.Properties.FunctionVersion['Fn::GetAtt'][0], 'Version'] } });
      // CodeDeploy's role may invoke the hook and no other function.
      expect(group.Properties.ServiceRoleArn).toEqual({ 'Fn::GetAtt': ['ReleaseCodeDeployRole', 'Arn'] });
    }
    const hook = resources.PreDashtrafficLambdaFunction;
    const targets = JSON.stringify(hook.Properties.Environment.Variables.SMOKE_TEST_TARGETS);
    for (const fn of apiFunctions(resources)) expect(targets).toContain(`{"Ref":"${resources[`${fn}Aliaslive`].Properties.FunctionVersion['Fn::GetAtt'][0]}"}`);
    expect(resources.ReleaseCodeDeployRole.Properties.ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited']);
  });

  it.each(API_PROJECTS)("%s: a warmer invokes each API function's alias every 5 minutes with the payload the wrapper short-circuits", (project) => {
    const { dir, template } = packaged(project, 'prod');
    const resources: Resources = template.Resources;
    const warmer = resources.WarmUpPluginDefaultLambdaFunction;
    expect(warmer.Properties.Role).toEqual({ 'Fn::GetAtt': ['ReleaseWarmerRole', 'Arn'] });
    const [, rule] = ofType(resources, 'AWS::Events::Rule').find(([, r]) => r.Properties.Targets[0].Arn['Fn::GetAtt'][0] === 'WarmUpPluginDefaultLambdaFunction')!;
    expect(rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    // The warmer's code, as the plugin wrote it: the functions it invokes, with alias and payload.
    const code = execFileSync('unzip', ['-p', path.join(dir, 'warmUpPluginDefault.zip'), '.warmup/default/index.mjs'], { encoding: 'utf8' });
    const warmed: { name: string; config: { alias: string; payload: string; concurrency: number } }[] = JSON.parse(code.match(/const functions = (\[[\s\S]*?\n\]);/)![1]!);
    const apiNames = apiFunctions(resources).map((id) => resources[id].Properties.FunctionName).sort();
    expect(warmed.map((w) => w.name).sort()).toEqual(apiNames);
    for (const { config } of warmed) {
      expect(config.alias).toBe('live');
      expect(isWarmup(JSON.parse(config.payload))).toBe(true);
      expect(config.concurrency).toBeGreaterThanOrEqual(1);
    }
    const invoke = resources.ReleaseWarmerRole.Properties.Policies[0].PolicyDocument.Statement.find((s: any) => s.Action.includes('lambda:InvokeFunction'));
    expect(invoke.Resource.map((r: any) => r['Fn::Sub'].split(':function:')[1]).sort()).toEqual(apiNames.map((name) => `${name}:live`).sort());
  });

  it('scales with no one: streams on demand, tables pay per request, every stream consumer watched for iterator age', () => {
    const streams = prodTemplates().flatMap((resources) => ofType(resources, 'AWS::Kinesis::Stream'));
    expect(streams.map(([id]) => id).sort()).toEqual(['UsersStream', 'YublsStream']);
    for (const [, stream] of streams) {
      expect(stream.Properties.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
      expect(stream.Properties.ShardCount).toBeUndefined();
    }
    const tables = prodTemplates().flatMap((resources) => ofType(resources, 'AWS::DynamoDB::Table'));
    expect(tables.length).toBeGreaterThanOrEqual(9);
    for (const [, table] of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.ProvisionedThroughput).toBeUndefined();
    }
    for (const resources of prodTemplates()) {
      for (const [, mapping] of ofType(resources, 'AWS::Lambda::EventSourceMapping')) {
        const fn = mapping.Properties.FunctionName['Fn::GetAtt'][0];
        expect(resources[`${fn.replace(/LambdaFunction$/, '')}IteratorAgeAlarm`]?.Properties.MetricName).toBe('IteratorAge');
      }
    }
  });
});

describe('packaged for staging and dev', () => {
  it('staging shifts all at once, still behind the hook and the alarms', () => {
    const resources: Resources = packaged('search', 'staging').template.Resources;
    const [, group] = ofType(resources, 'AWS::CodeDeploy::DeploymentGroup')[0]!;
    expect(group.Properties.DeploymentConfigName['Fn::Sub'][1].ConfigName).toBe('AllAtOnce');
    expect(group.Properties.AlarmConfiguration.Alarms).toHaveLength(2);
    expect(resources.SearchLambdaFunctionAliaslive.UpdatePolicy.CodeDeployLambdaAliasUpdate.BeforeAllowTrafficHook).toEqual({ Ref: 'PreDashtrafficLambdaFunction' });
  });

  it('dev deploys the functions themselves: no alias, no CodeDeploy, no warmer', () => {
    const resources: Resources = packaged('search', 'dev').template.Resources;
    expect(ofType(resources, 'AWS::Lambda::Alias')).toEqual([]);
    expect(ofType(resources, 'AWS::CodeDeploy::DeploymentGroup')).toEqual([]);
    expect(resources.WarmUpPluginDefaultLambdaFunction).toBeUndefined();
    expect(JSON.stringify(resources.ApiGatewayMethodSearchUsersGet.Properties.Integration.Uri)).toContain('"SearchLambdaFunction"');
  });
});

// The longest feature stage build.sh accepts (feature- and 10 characters) in every name the prod
// templates give a resource, against AWS's limits for that kind of name.
describe('the longest feature stage', () => {
  const stage = 'feature-abcdefghij';
  const LIMITS: Record<string, [string, number][]> = {
    'AWS::Lambda::Function': [['FunctionName', 64]],
    'AWS::IAM::Role': [['RoleName', 64]],
    'AWS::SQS::Queue': [['QueueName', 80]],
    'AWS::SNS::Topic': [['TopicName', 256]],
    'AWS::Kinesis::Stream': [['Name', 128]],
    'AWS::DynamoDB::Table': [['TableName', 255]],
    'AWS::OpenSearchService::Domain': [['DomainName', 28]],
    'AWS::CloudWatch::Alarm': [['AlarmName', 255]],
    'AWS::CodeDeploy::DeploymentGroup': [['DeploymentGroupName', 100]],
    'AWS::ApiGateway::RestApi': [['Name', 1024]],
    'AWS::Logs::LogGroup': [['LogGroupName', 512]],
    'AWS::ApiGateway::ApiKey': [['Name', 1024]],
  };
  // Names as CloudFormation would make them (a Join of literals), with the stage swapped in.
  const literal = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join'];
    if (join) return join[1].map((part) => literal(part) ?? (JSON.stringify(part).includes('AWS::Region') ? 'eu-west-1' : '')).join(join[0]);
    return undefined;
  };

  it.each(projects)('%s: fits every name limit', (project) => {
    const tooLong: string[] = [];
    for (const [id, resource] of Object.entries(prodOf(project))) {
      for (const [property, limit] of LIMITS[resource.Type] ?? []) {
        const name = literal(resource.Properties?.[property])?.replace(/\bprod\b/g, stage);
        if (name && name.length > limit) tooLong.push(`${id}.${property} ${name} (${name.length} > ${limit})`);
      }
    }
    expect(tooLong).toEqual([]);
  });

  it('would not fit with one more character: the OpenSearch domain is the tightest', () => {
    expect(`yubl-logs-${stage}`.length).toBe(28);
  });
});
