'use strict';

// Bundles each variant as serverless-esbuild would for a function: one file, minified, for node22.
const esbuild = require('esbuild');
const path = require('node:path');

const VARIANTS = ['bare', 'middy', 'powertools', 'yubl'];

async function bundle(variant, outdir) {
  const outfile = path.join(outdir, `${variant}.js`);
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, `${variant}.ts`)],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const bytes = Object.values(result.metafile.outputs)[0].bytes;
  const inputs = Object.keys(result.metafile.inputs);
  return { variant, outfile, bytes, inputs };
}

module.exports = { bundle, VARIANTS };
