#!/usr/bin/env node
'use strict';

// A branch's feature stage, and the feature stages whose branches are gone (the Jenkinsfile):
//   stage BRANCH          prints the branch's stage: feature-<first 6 letters or digits><4 hex of its name's SHA-1>
//   gone                  prints the deployed feature stages (CloudFormation stacks yubl-shared-feature-*)
//                         of which no branch of `git ls-remote --heads origin` is the source
// Why this way: a multibranch pipeline never runs a deleted branch's Jenkinsfile (Jenkins drops
// the branch's job), so main's pipeline removes what no branch owns any more (README "Jenkins").

const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');

// 10 characters after feature-: the longest name build.sh accepts (the OpenSearch domain's limit);
// the hash keeps two branches that start alike apart.
function stageFor(branch) {
  const letters = branch.replace(/^(feature|feat|bugfix|fix)\//i, '').toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 6);
  const hash = crypto.createHash('sha1').update(branch).digest('hex').slice(0, 4);
  return `feature-${letters}${hash}`;
}

/** Deployed feature stages that no branch maps to. */
function goneStages(deployedStages, branches) {
  const live = new Set(branches.map(stageFor));
  return deployedStages.filter((stage) => !live.has(stage));
}

// The shared stack goes first and last (build.sh): one exists for every deployed feature stage.
async function deployedFeatureStages() {
  const { CloudFormationClient, paginateListStacks } = require('@aws-sdk/client-cloudformation');
  const stages = [];
  const live = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'ROLLBACK_COMPLETE', 'CREATE_FAILED', 'DELETE_FAILED'];
  for await (const page of paginateListStacks({ client: new CloudFormationClient({}) }, { StackStatusFilter: live })) {
    for (const stack of page.StackSummaries ?? []) {
      const match = /^yubl-shared-(feature-[a-z0-9-]+)$/.exec(stack.StackName);
      if (match) stages.push(match[1]);
    }
  }
  return stages;
}

const remoteBranches = () =>
  execFileSync('git', ['ls-remote', '--heads', 'origin'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('refs/heads/')[1]);

async function main([command, branch]) {
  if (command === 'stage' && branch) return console.log(stageFor(branch));
  if (command === 'gone') return console.log(goneStages(await deployedFeatureStages(), remoteBranches()).join('\n'));
  throw new Error('usage: feature-stages.js stage BRANCH | gone');
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`feature-stages: ${error.message}`);
    process.exit(1);
  });
}

module.exports = { stageFor, goneStages };
