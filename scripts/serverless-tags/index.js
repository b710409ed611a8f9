'use strict';

// A Serverless Framework plugin, listed last in a project's `plugins`: `provider.tags` (service,
// stage, owner, cost-center: services/common.yml) on every resource of the template whose type takes
// Tags (taggable.js), the functions included, keeping a tag a resource sets itself. The framework
// tags only functions; `provider.stackTags` tags the stack. Runs once the template is complete (`resources` merged), after
// serverless-iam-per-function has added the roles.

const { TAGGABLE } = require('./taggable');

function tagResources(resources, tags) {
  for (const resource of Object.values(resources)) {
    if (!TAGGABLE.has(resource.Type)) continue;
    resource.Properties = resource.Properties ?? {};
    const own = resource.Properties.Tags ?? [];
    const ownKeys = new Set(own.map((tag) => tag.Key));
    resource.Properties.Tags = [...own, ...Object.entries(tags).filter(([key]) => !ownKeys.has(key)).map(([Key, Value]) => ({ Key, Value: String(Value) }))];
  }
}

class TagsPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.tag() };
  }

  tag() {
    const { provider } = this.serverless.service;
    tagResources(provider.compiledCloudFormationTemplate.Resources, provider.tags ?? {});
  }
}

module.exports = TagsPlugin;
module.exports.tagResources = tagResources;
