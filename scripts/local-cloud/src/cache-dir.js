// @ts-check
'use strict';

// Where the local cloud keeps what changes only with the sources (each project's `serverless
// print`, serverless-esbuild's bundles): .local/cache/<kind>, or under LOCAL_CLOUD_CACHE_DIR when
// set (the start-up bench times a fresh clone's start with an empty one of its own).
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');

/** @param {'print' | 'esbuild'} kind */
const cacheDir = (kind) => path.join(process.env.LOCAL_CLOUD_CACHE_DIR || path.join(root, '.local', 'cache'), kind);

module.exports = { cacheDir };
