// @ts-check
'use strict';

// serverless-esbuild requires the `effect`, `@effect/platform` and `@effect/platform-node` barrels
// (their index.js, which requires every module of the package: some 900 files with fast-check)
// and uses six of their namespaces, and ramda's (260 functions, it uses 20). Loading the barrels
// is ~0.5 s of CPU in every serverless-offline process. Here each barrel is put in require's cache
// as an object whose names are getters that require the module when first read: the same module
// objects, loaded when used instead of all at start. A barrel whose index.js is not one of the two
// plain shapes — Babel's (`var _X = _interopRequireWildcard(require("./X.js")); exports.X = _X;`
// and re-exported names) or ramda's (`module.exports.x = require("./x.js");`) — is left alone
// and loads as it would.

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const NAMESPACE = /^var (_\w+) = _interopRequireWildcard\(require\("(\.\/[\w.-]+\.js)"\)\);\n(?:exports\.(\w+) = \1;\n)?/;
const RE_EXPORT = /^Object\.defineProperty\(exports, "(\w+)", \{\n {2}enumerable: true,\n {2}get: function \(\) \{\n {4}return (_\w+)\.(\w+);\n {2}\}\n\}\);\n/;
const DECLARED = /^exports\.\w+(?: = exports\.\w+)* = void 0;\n/;
const PREAMBLE = /^"use strict";\n\nObject\.defineProperty\(exports, "__esModule", \{\n {2}value: true\n\}\);\n/;
const HELPERS = /^(?:function _(?:getRequireWildcardCache|interopRequireWildcard)\(.*\n)+(?:\/\/# sourceMappingURL=.*\n?)?$/;
const PLAIN_PREAMBLE = 'module.exports = {};\n';
const PLAIN_EXPORT = /^module\.exports\.(\w+) =\n\/\*#__PURE__\*\/\nrequire\("(\.\/[\w.-]+\.js)"\);(?:\n|$)/;

/**
 * ramda's shape: each name is the module, as required (no interop).
 * @param {string} source
 */
function parsePlainBarrel(source) {
  let rest = source.slice(PLAIN_PREAMBLE.length);
  /** @type {Map<string, string>} */
  const namespaces = new Map();
  /** @type {{ name: string, local: string, key?: string }[]} */
  const exported = [];
  for (let match; (match = PLAIN_EXPORT.exec(rest)); rest = rest.slice(match[0].length)) {
    namespaces.set(match[1] ?? '', match[2] ?? '');
    exported.push({ name: match[1] ?? '', local: match[1] ?? '' });
  }
  if (rest !== '' || namespaces.size === 0) return undefined;
  return { declared: [], namespaces, exported, interop: false };
}

/**
 * What a Babel barrel declares, or undefined when `source` is anything more than that.
 * @param {string} source
 * @returns {{ declared: string[], namespaces: Map<string, string>, exported: { name: string, local: string, key?: string }[], interop: boolean } | undefined}
 */
function parseBarrel(source) {
  let rest = source.replace(/\r\n/g, '\n');
  if (rest.startsWith(PLAIN_PREAMBLE)) return parsePlainBarrel(rest);
  const preamble = PREAMBLE.exec(rest);
  if (!preamble) return undefined;
  rest = rest.slice(preamble[0].length);
  /** @type {string[]} */
  const declared = [];
  /** @type {Map<string, string>} local binding -> module path */
  const namespaces = new Map();
  /** @type {{ name: string, local: string, key?: string }[]} */
  const exported = [];
  for (;;) {
    let match;
    if ((match = DECLARED.exec(rest))) {
      // `exports.A = exports.B = void 0` creates B before A.
      declared.push(...[...match[0].matchAll(/exports\.(\w+)/g)].map((m) => m[1] ?? '').reverse());
    } else if ((match = RE_EXPORT.exec(rest))) {
      exported.push({ name: match[1] ?? '', local: match[2] ?? '', key: match[3] ?? '' });
    } else if ((match = NAMESPACE.exec(rest))) {
      namespaces.set(match[1] ?? '', match[2] ?? '');
      if (match[3]) exported.push({ name: match[3], local: match[1] ?? '' });
    } else {
      break;
    }
    rest = rest.slice(match[0].length);
  }
  if (!HELPERS.test(rest) || namespaces.size === 0) return undefined;
  if (exported.some(({ local }) => !namespaces.has(local))) return undefined;
  return { declared, namespaces, exported, interop: true };
}

/** Babel's `_interopRequireWildcard`, as the barrel applies it to each module. @param {any} exports */
function interop(exports) {
  if (exports && exports.__esModule) return exports;
  if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) return { default: exports };
  return { __proto__: null, ...exports, default: exports };
}

/**
 * Puts a lazy version of the barrel at `filename` in require's cache; false (and nothing done)
 * when the barrel is not of the plain shape or is already loaded.
 * @param {string} filename the barrel's index.js
 */
function installLazyBarrel(filename) {
  if (require.cache[filename]) return false;
  const barrel = parseBarrel(fs.readFileSync(filename, 'utf8'));
  if (!barrel) return false;
  const barrelModule = new Module(filename, undefined);
  barrelModule.filename = filename;
  barrelModule.paths = /** @type {{ _nodeModulePaths: (dir: string) => string[] }} */ (/** @type {unknown} */ (Module))._nodeModulePaths(path.dirname(filename));
  /** @type {Map<string, unknown>} */
  const loaded = new Map();
  const namespace = (/** @type {string} */ local) => {
    if (!loaded.has(local)) {
      const required = barrelModule.require(/** @type {string} */ (barrel.namespaces.get(local)));
      loaded.set(local, barrel.interop ? interop(required) : required);
    }
    return loaded.get(local);
  };
  /** @type {Record<string, unknown>} */
  const exports = {};
  if (barrel.interop) Object.defineProperty(exports, '__esModule', { value: true });
  for (const name of barrel.declared) exports[name] = undefined;
  for (const { name, local, key } of barrel.exported) {
    Object.defineProperty(exports, name, {
      enumerable: true,
      configurable: true,
      get: key ? () => /** @type {any} */ (namespace(local))[key] : () => namespace(local),
    });
  }
  barrelModule.exports = exports;
  barrelModule.loaded = true;
  require.cache[filename] = barrelModule; // the cache every require() of the process reads
  return true;
}

/**
 * Makes the barrels `packages` lazy as `fromDir` resolves them; the names of those made lazy.
 * @param {string[]} packages
 * @param {string} fromDir
 */
function installLazyBarrels(packages, fromDir) {
  return packages.filter((name) => {
    let filename;
    try {
      filename = require.resolve(name, { paths: [fromDir] });
    } catch {
      return false;
    }
    return installLazyBarrel(filename);
  });
}

/** The barrels serverless-esbuild requires by their index. */
const SERVERLESS_ESBUILD_BARRELS = ['effect', '@effect/platform', '@effect/platform-node', 'ramda'];

/**
 * serverless-esbuild's barrels made lazy, as a framework process started in `projectDir` resolves
 * the plugin; the names of those made lazy (none for a project without serverless-esbuild).
 * @param {string} projectDir
 */
function installServerlessEsbuildBarrels(projectDir) {
  let plugin;
  try {
    plugin = path.dirname(require.resolve('serverless-esbuild/package.json', { paths: [projectDir, __dirname] }));
  } catch {
    return [];
  }
  return installLazyBarrels(SERVERLESS_ESBUILD_BARRELS, plugin);
}

module.exports = { installLazyBarrels, installLazyBarrel, installServerlessEsbuildBarrels, parseBarrel };
