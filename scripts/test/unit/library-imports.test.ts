// The house rules of libs/, read from the sources themselves:
// - each library's package.json declares what its sources import (a bare package in
//   dependencies or peerDependencies; a type-only import may be satisfied by devDependencies or the
//   package's @types/ counterpart), so that a library can be understood, and moved, on its own;
// - no import cycles among a library's own files (a cycle makes load order decide what is defined).
// Written by hand rather than with madge or dependency-cruiser: a regular expression over our own
// import statements is all either check needs, and neither tool would replace the declared-
// dependencies rule, which is ours.
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const libs = readdirSync(join(root, 'libs')).filter((name) => existsSync(join(root, 'libs', name, 'package.json')));

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return /\.(ts|js|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

// import … from 'x', export … from 'x', import 'x', import('x'), require('x'); `import type` noted.
const IMPORT = /(?:^|[\s;])(import\s+type\s[^'"]*?from\s*|import\s[^'"]*?from\s*|export\s[^'"]*?from\s*|import\s*\(\s*|import\s+|require\s*\(\s*)['"]([^'"]+)['"]/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...text.matchAll(IMPORT)].map((match) => ({ file, specifier: match[2]!, typeOnly: /^import\s+type\s/.test(match[1]!) }));
}

const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));
const typesPackage = (name: string) => `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;

describe('each library', () => {
  it.each(libs)('%s declares every package its sources import', (lib) => {
    const dir = join(root, 'libs', lib);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
    const declared = (...fields: string[]) => new Set(fields.flatMap((field) => Object.keys((manifest[field] as Record<string, string> | undefined) ?? {})));
    const runtime = declared('dependencies', 'peerDependencies');
    const any = declared('dependencies', 'peerDependencies', 'devDependencies');
    const undeclared = new Set<string>();
    for (const { file, specifier, typeOnly } of sourcesUnder(join(dir, 'src')).flatMap(importsOf)) {
      if (specifier.startsWith('.') || isBuiltin(specifier)) continue;
      const name = packageOf(specifier);
      if (name === manifest.name) continue;
      const ok = typeOnly ? any.has(name) || any.has(typesPackage(name)) : runtime.has(name);
      if (!ok) undeclared.add(`${name}${typeOnly ? ' (types)' : ''} in ${relative(root, file)}`);
    }
    expect([...undeclared]).toEqual([]);
  });

  it.each(libs)('%s has no import cycle among its own files', (lib) => {
    const files = sourcesUnder(join(root, 'libs', lib, 'src'));
    const resolveLocal = (from: string, specifier: string) => {
      const base = resolve(dirname(from), specifier);
      return [base, `${base}.ts`, `${base}.js`, join(base, 'index.ts'), join(base, 'index.js')].find((path) => files.includes(path));
    };
    const edges = new Map(files.map((file) => [file, importsOf(file).filter((i) => i.specifier.startsWith('.') && !i.typeOnly).map((i) => resolveLocal(file, i.specifier)).filter((f): f is string => f !== undefined)]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(root, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
