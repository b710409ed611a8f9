// Every project packaged (`serverless package`, as ./build.sh package runs it) for the stages whose
// templates differ, for the tests that hold the templates to the team's rules. Packaging is the
// slow part (seconds a project): each package is kept under .local/packaged/<stage>/<project> and
// reused while nothing that shapes its template changed (its serverless.yml, services/common.yml,
// the plugins under scripts/serverless-*). A dependency bump is not in the key: CI packages on a
// fresh clone, with no cache. esbuild's bundles come from the bundle cache
// (scripts/local-cloud/src/bundle-cache.js), byte for byte what esbuild writes.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const serverlessBin = path.join(root, 'node_modules/serverless/bin/serverless.js');
// The three stages of a project bundle the same sources with the same options: esbuild runs for
// the first, the others (and the local cloud's start after the unit level) reuse its output.
const frameworkPreload = path.join(root, 'scripts/local-cloud/src/framework-preload.js');

/**
 * dev stands for test and demo, which no serverless.yml sets apart (the packaged-template test
 * checks that no `params` names them); staging and prod are where releases differ; local is never
 * deployed.
 */
export const PACKAGED_STAGES = ['dev', 'staging', 'prod'] as const;

export interface Packaged {
  stage: string;
  project: string;
  dir: string;
  template: { Resources: Record<string, { Type: string; Properties?: any; DependsOn?: string | string[] }> };
  /** the service as the framework resolved it (.serverless/serverless-state.json) */
  service: any;
}

export function projectDirs(): { project: string; dir: string }[] {
  const services = fs.readdirSync(path.join(root, 'services')).filter((name) => fs.existsSync(path.join(root, 'services', name, 'serverless.yml')));
  return [{ project: 'shared', dir: root }, ...services.sort().map((name) => ({ project: name, dir: path.join(root, 'services', name) }))];
}

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'test' ? [] : filesUnder(file, keep);
    return keep(file) ? [file] : [];
  });
}

/** What shapes every project's template (the plugins, the shared settings), then the project's own serverless.yml. */
function inputsHash(projectDir: string): string {
  const scripts = fs.readdirSync(path.join(root, 'scripts')).filter((name) => name.startsWith('serverless-'));
  const files = [
    path.join(root, 'services/common.yml'),
    ...scripts.flatMap((name) => filesUnder(path.join(root, 'scripts', name), (file) => /\.(js|json|ya?ml)$/.test(file))).sort(),
    path.join(projectDir, 'serverless.yml'),
  ];
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Runs `work` holding `<out>.lock` (a file naming this process): two Jest workers asking for the
 * same package would otherwise delete each other's output mid-package. A lock whose process has
 * ended is taken over; one being written (empty, no pid yet) is waited on.
 */
async function holdingLock(out: string, work: () => Promise<void>): Promise<void> {
  const lock = `${out}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(fs.readFileSync(lock, 'utf8'), 10);
      if (Number.isInteger(holder) && !isRunning(holder)) fs.rmSync(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

async function packageProject(stage: string, project: string, dir: string, out: string): Promise<void> {
  const key = inputsHash(dir);
  const marker = path.join(out, '.inputs-sha256');
  const isCurrent = () => fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === key;
  if (isCurrent()) return;
  await holdingLock(out, async () => {
    if (!isCurrent()) await packageAfresh(stage, project, dir, out, key);
  });
}

async function packageAfresh(stage: string, project: string, dir: string, out: string, key: string): Promise<void> {
  const marker = path.join(out, '.inputs-sha256');
  fs.rmSync(out, { recursive: true, force: true });
  // serverless-esbuild leaves its zip staging directories in the temp dir (build.sh's sls() says why).
  fs.mkdirSync(path.join(root, '.local/tmp'), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, '.local/tmp/packaged-templates-'));
  try {
    await run(process.execPath, ['--require', frameworkPreload, serverlessBin, 'package', '--stage', stage, '--package', out], {
      cwd: dir,
      // Bundles built apart from .esbuild/.build, which a running local cloud serves (services/common.yml).
      // No release artifact: what the sources package to, not a stored build (scripts/serverless-release).
      env: { ...process.env, TMPDIR: tmp, SLS_TELEMETRY_DISABLED: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', YUBL_ESBUILD_WORK_FOLDER: '.esbuild/packaged-templates', YUBL_RELEASE_ARTIFACT: '' },
      maxBuffer: 32 * 1024 * 1024,
    });
  } catch (error) {
    const output = String((error as { stderr?: string }).stderr || (error as { stdout?: string }).stdout || error);
    throw new Error(`${project}: serverless package --stage ${stage} failed:\n${output.slice(output.indexOf('Error:'))}`, { cause: error });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.writeFileSync(marker, key);
}

/** Packages (or reuses) every project for every stage, two at a time, and reads what came out. */
export async function packagedTemplates(stages: readonly string[] = PACKAGED_STAGES): Promise<Packaged[]> {
  const jobs = stages.flatMap((stage) => projectDirs().map(({ project, dir }) => ({ stage, project, dir, out: path.join(root, '.local/packaged', stage, project) })));
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await packageProject(job.stage, job.project, job.dir, job.out);
  };
  await Promise.all([worker(), worker()]);
  return jobs.map(({ stage, project, out }) => ({
    stage,
    project,
    dir: out,
    template: JSON.parse(fs.readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8')),
    service: JSON.parse(fs.readFileSync(path.join(out, 'serverless-state.json'), 'utf8')).service,
  }));
}
