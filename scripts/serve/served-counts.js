#!/usr/bin/env node
'use strict';

// served-counts SERVICE STATE_DIR: exits 1 unless the served instance of SERVICE in the local cloud
// at STATE_DIR handled at least one event of every function (GET /_local/served). `./build.sh test`
// runs it after an acceptance run against a served instance: passing tests prove little if the
// events went to the Lambda functions instead.

const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const [service, stateDir] = process.argv.slice(2);
  const { baseUrl } = JSON.parse(fs.readFileSync(path.join(stateDir, 'endpoints.json'), 'utf8'));
  const served = (await (await fetch(`${baseUrl}/_local/served`)).json())[service];
  if (!served) throw new Error(`${service} is not served by the local cloud at ${baseUrl}`);
  const idle = Object.entries(served.handled).filter(([, count]) => count === 0).map(([key]) => key);
  const counts = Object.entries(served.handled).map(([key, count]) => `${key} ${count}`).join(', ');
  if (idle.length > 0) throw new Error(`the served ${service} (${served.delivery}) handled nothing for ${idle.join(', ')} (${counts})`);
  process.stdout.write(`==> served ${service} (${served.delivery}) handled: ${counts}\n`);
}

main().catch((error) => {
  process.stderr.write(`served-counts: ${error.message}\n`);
  process.exit(1);
});
