#!/usr/bin/env node
'use strict';

// build.sh's release steps, one project at a time (scripts/serverless-release/README.md):
//   record  --package-dir D --dir A --commit C --project P --stage S   the package's zips and manifest into A
//   verify  --dir A                                                    refuses (exit 1) when a zip differs from the manifest
//   planned --dir A --package-dir D                                    what a promote's package would deploy, checked against A
//   upload  --dir A --bucket B --key K   /  download --bucket B --key K --dir A   the artifact store on AWS (S3)

const fs = require('node:fs');
const path = require('node:path');
const { ArtifactError, verifyArtifact, writeArtifact, readManifest } = require('./serverless-release/artifact');

function options(argv) {
  const [command, ...rest] = argv;
  const opts = {};
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i].startsWith('--')) throw new ArtifactError(`unexpected '${rest[i]}'`);
    opts[rest[i].slice(2)] = rest[i + 1];
  }
  return { command, opts };
}

const need = (opts, ...names) => {
  for (const name of names) if (!opts[name]) throw new ArtifactError(`--${name} is needed`);
};

// The zips a pinned package (YUBL_RELEASE_ARTIFACT) would deploy, each with the SHA-256 its
// template's AWS::Lambda::Version carries, which must be the manifest's: the template deploys
// exactly the stored bytes.
function planned(dir, packageDir) {
  const manifest = verifyArtifact(dir);
  const template = JSON.parse(fs.readFileSync(path.join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  const resources = template.Resources;
  const rows = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Version') continue;
    const fn = resources[resource.Properties.FunctionName.Ref];
    const zip = path.basename(fn.Properties.Code.S3Key);
    const sha256 = Buffer.from(resource.Properties.CodeSha256, 'base64').toString('hex');
    const entry = manifest.zips[zip];
    if (entry && entry.sha256 !== sha256) {
      throw new ArtifactError(`${id}: the template would deploy ${zip} with SHA-256 ${sha256}, the artifact holds ${entry.sha256}`);
    }
    rows.push({ function: fn.Properties.FunctionName, zip, sha256, from: entry ? `artifact ${manifest.commit}` : 'built for this stage' });
  }
  for (const [zip, entry] of Object.entries(manifest.zips)) {
    if (!rows.some((row) => row.zip === zip)) throw new ArtifactError(`the template does not deploy ${zip} (function ${entry.function})`);
  }
  return rows;
}

async function s3() {
  const { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } = require('@aws-sdk/client-s3');
  return { client: new S3Client({}), PutObjectCommand, GetObjectCommand, ListObjectsV2Command };
}

// The AWS-only steps: plain copies between the local store and the bucket (s3://B/K/<file>).
async function upload(dir, bucket, key) {
  const { client, PutObjectCommand } = await s3();
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.zip') || n === 'manifest.json')) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}/${name}`, Body: fs.readFileSync(path.join(dir, name)) }));
  }
}

async function download(bucket, key, dir) {
  const { client, GetObjectCommand, ListObjectsV2Command } = await s3();
  fs.mkdirSync(dir, { recursive: true });
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${key}/` }));
  if (!listed.Contents?.length) throw new ArtifactError(`no artifact at s3://${bucket}/${key}/`);
  for (const { Key } of listed.Contents) {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
    fs.writeFileSync(path.join(dir, path.basename(Key)), Buffer.from(await object.Body.transformToByteArray()));
  }
}

async function main(argv) {
  const { command, opts } = options(argv);
  switch (command) {
    case 'record': {
      need(opts, 'package-dir', 'dir', 'commit', 'project', 'stage');
      const manifest = writeArtifact({
        packageDir: opts['package-dir'], dir: opts.dir, commit: opts.commit, dirty: opts.commit.endsWith('-dirty'), project: opts.project, stage: opts.stage,
        generated: require('./serverless-release').isGenerated,
      });
      const bytes = Object.values(manifest.zips).reduce((sum, zip) => sum + zip.bytes, 0);
      console.log(`    artifact ${opts.dir}: ${Object.keys(manifest.zips).length} zips, ${bytes} bytes`);
      break;
    }
    case 'verify':
      need(opts, 'dir');
      console.log(`    artifact ${opts.dir}: commit ${verifyArtifact(opts.dir).commit}, every zip as its manifest says`);
      break;
    case 'commit':
      need(opts, 'dir');
      console.log(readManifest(opts.dir).commit);
      break;
    case 'planned':
      need(opts, 'dir', 'package-dir');
      for (const row of planned(opts.dir, opts['package-dir'])) console.log(`    ${row.function.padEnd(44)} ${row.zip.padEnd(28)} sha256 ${row.sha256}  (${row.from})`);
      break;
    case 'upload':
      need(opts, 'dir', 'bucket', 'key');
      await upload(opts.dir, opts.bucket, opts.key);
      break;
    case 'download':
      need(opts, 'dir', 'bucket', 'key');
      await download(opts.bucket, opts.key, opts.dir);
      break;
    default:
      throw new ArtifactError(`unknown command '${command}' (record, verify, commit, planned, upload, download)`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`release: ${error.message}`);
    process.exit(1);
  });
}

module.exports = { planned, upload, download };
