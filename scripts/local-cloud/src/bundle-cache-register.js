// @ts-check
'use strict';

// `node --require` this before the framework (a `serverless package` of the packaged-template
// tests, say) to get serverless-esbuild's bundles from the bundle cache (bundle-cache.js).
require('./bundle-cache').install();
