'use strict';

// A release artifact: one project's function zips as one commit built them, and a manifest with
// each zip's SHA-256. `./build.sh package` writes it (.artifacts/<commit>/<project>/ here, the
// artifact bucket on AWS); `./build.sh promote` verifies it and deploys those very zips to a stage
// (index.js pins the functions to them). Plain files in, plain values out: no framework, no AWS.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const MANIFEST = 'manifest.json';
const FORMAT = 1;

class ArtifactError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'ArtifactError';
  }
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The directory of one project's artifact in a store rooted at `store`. */
const artifactDir = (store, commit, project) => path.join(store, commit, project === '.' ? 'shared' : path.basename(project));

/**
 * Copies the zips of the functions a package built (serverless-state.json names each function's
 * artifact) into `dir`, with the manifest. Functions a plugin generates per stage (`generated`)
 * are left out: they are built again at every promote (see README.md).
 * @returns the manifest
 */
function writeArtifact({ packageDir, dir, commit, dirty, project, stage, generated = () => false }) {
  const state = JSON.parse(fs.readFileSync(path.join(packageDir, 'serverless-state.json'), 'utf8'));
  const functions = state.service.functions ?? {};
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const zips = {};
  for (const [key, fn] of Object.entries(functions)) {
    if (generated(key)) continue;
    const zip = path.join(packageDir, path.basename(fn.package.artifact));
    const name = path.basename(zip);
    fs.copyFileSync(zip, path.join(dir, name));
    zips[name] = { function: key, sha256: sha256(zip), bytes: fs.statSync(zip).size };
  }
  const manifest = { format: FORMAT, commit, dirty, project, service: state.service.service, packagedFor: stage, zips };
  fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function readManifest(dir) {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) throw new ArtifactError(`no artifact at ${dir} (no ${MANIFEST}): package it first (./build.sh package --stage S)`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (manifest.format !== FORMAT) throw new ArtifactError(`${file}: format ${manifest.format}, this build.sh reads format ${FORMAT}`);
  return manifest;
}

/**
 * The manifest, once every zip it lists is there with the bytes it records; an ArtifactError
 * naming every zip that differs or is missing otherwise, and any zip it does not list.
 */
function verifyArtifact(dir) {
  const manifest = readManifest(dir);
  const problems = [];
  for (const [name, { sha256: expected }] of Object.entries(manifest.zips)) {
    const zip = path.join(dir, name);
    if (!fs.existsSync(zip)) problems.push(`${name} is missing`);
    else if (sha256(zip) !== expected) problems.push(`${name} has SHA-256 ${sha256(zip)}, the manifest says ${expected}`);
  }
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith('.zip') && !manifest.zips[name]) problems.push(`${name} is not in the manifest`);
  }
  if (problems.length > 0) {
    throw new ArtifactError(`refusing the artifact at ${dir} (commit ${manifest.commit}): ${problems.join('; ')}`);
  }
  return manifest;
}

module.exports = { ArtifactError, MANIFEST, artifactDir, readManifest, sha256, verifyArtifact, writeArtifact };
