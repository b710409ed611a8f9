'use strict';

// Renders the CloudFormation intrinsic functions our serverless.yml files use, the way
// CloudFormation would after deployment: Ref, Fn::GetAtt, Fn::ImportValue, Fn::Join, Fn::Sub,
// Fn::Select and Fn::Split. `lookup` answers for the deployed resources of the local cloud.

/**
 * @typedef {object} Lookup what the deployed resources answer
 * @property {(logicalId: string) => unknown} ref
 * @property {(logicalId: string, attribute: string) => unknown} getAtt
 * @property {(exportName: any) => unknown} importValue
 */

/**
 * @param {any} value a template's value, as serverless print gives it
 * @param {Lookup} lookup
 * @returns {any}
 */
function render(value, lookup) {
  if (Array.isArray(value)) return value.map((item) => render(item, lookup));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const key = /** @type {string} */ (keys[0]);
    const argument = value[key];
    switch (key) {
      case 'Ref':
        return lookup.ref(argument);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        return lookup.getAtt(logicalId, attribute);
      }
      case 'Fn::ImportValue':
        return lookup.importValue(render(argument, lookup));
      case 'Fn::Join': {
        const [separator, parts] = argument;
        return render(parts, lookup).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = render(argument, lookup);
        return list[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, text] = render(argument, lookup);
        return String(text).split(separator);
      }
      case 'Fn::Sub': {
        const [template, variables = {}] = Array.isArray(argument) ? argument : [argument, {}];
        return template.replace(/\$\{([^}]+)\}/g, (/** @type {string} */ _, /** @type {string} */ name) => {
          if (Object.hasOwn(variables, name)) return render(variables[name], lookup);
          if (name.includes('.')) {
            const [logicalId = '', attribute = ''] = name.split('.'); // two parts: the name has a dot
            return lookup.getAtt(logicalId, attribute);
          }
          return lookup.ref(name);
        });
      }
      default:
        break;
    }
  }
  return Object.fromEntries(keys.map((key) => [key, render(value[key], lookup)]));
}

module.exports = { render };
