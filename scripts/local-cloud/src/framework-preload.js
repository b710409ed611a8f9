// @ts-check
'use strict';

// `node --require` this before a framework process that is not a serverless-offline (each
// `serverless print` the local cloud runs, each `serverless package` of the packaged-template
// tests): serverless-esbuild's bundles come from the bundle cache (bundle-cache.js), and its
// barrels load each module when first used (lazy-barrels.js), ~0.5 s less CPU a process.
// offline-preload.js does both too, among the rest a serverless-offline needs.
require('./bundle-cache').install();
require('./lazy-barrels').installServerlessEsbuildBarrels(process.cwd());
