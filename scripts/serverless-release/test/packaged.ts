import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// The CloudFormation a project packages for a stage, as `./build.sh package --stage S` makes it,
// packaged here into .local/packaged/<stage>/<project>/ (not .serverless/, which other tests and
// people rewrite) and packaged again only when what it is made from changed.
const root = path.resolve(__dirname, '../../..');

export const projects = ['.', ...fs.readdirSync(path.join(root, 'services')).filter((name) => fs.existsSync(path.join(root, 'services', name, 'serverless.yml'))).map((name) => `services/${name}`)];

const newest = (files: string[]) => Math.max(...files.filter((f) => fs.existsSync(f)).map((f) => fs.statSync(f).mtimeMs));
const pluginFiles = () =>
  fs.readdirSync(path.join(root, 'scripts')).filter((d) => d.startsWith('serverless-')).flatMap((d) => fs.readdirSync(path.join(root, 'scripts', d)).filter((f) => f.endsWith('.js')).map((f) => path.join(root, 'scripts', d, f)));

export interface Packaged {
  dir: string;
  template: { Resources: Record<string, any>; Outputs?: Record<string, any> };
}

export function packaged(project: string, stage: string): Packaged {
  const name = project === '.' ? 'shared' : path.basename(project);
  const dir = path.join(root, '.local/packaged', stage, name);
  const file = path.join(dir, 'cloudformation-template-update-stack.json');
  const inputs = [path.join(root, project, 'serverless.yml'), path.join(root, 'services/common.yml'), path.join(root, 'package-lock.json'), ...pluginFiles()];
  if (!fs.existsSync(file) || fs.statSync(file).mtimeMs < newest(inputs)) {
    fs.rmSync(dir, { recursive: true, force: true });
    execFileSync(process.execPath, [path.join(root, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', stage, '--package', dir], {
      cwd: path.join(root, project),
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', YUBL_RELEASE_ARTIFACT: '', YUBL_ESBUILD_WORK_FOLDER: '.esbuild-package' },
      stdio: 'pipe',
    });
  }
  return { dir, template: JSON.parse(fs.readFileSync(file, 'utf8')) };
}
