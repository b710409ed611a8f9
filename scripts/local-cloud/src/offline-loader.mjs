// An ES module load hook for serverless-offline (registered by offline-preload.js). API Gateway hands
// a function the body as it was sent; serverless-offline parses a JSON body first and, when the JSON
// is a bare string ("x"), passes the parsed string (x) instead of the text (objects and numbers it
// takes back from the raw text). Here its proxy event is made to start from the raw text always.
// Its pool of function workers gets a bound per function (function-pool.js).
const PROXY_EVENT = '/src/events/http/lambda-events/LambdaProxyIntegrationEvent.js';
const PARSED_BODY = 'let body = this.#request.payload';
const RAW_BODY = 'let body = this.#request.rawPayload ?? this.#request.payload';

const FUNCTION_POOL = '/src/lambda/LambdaFunctionPool.js';
const POOL_CLASS = 'export default class LambdaFunctionPool';
const BOUND_POOL = new URL('./function-pool.js', import.meta.url).pathname;

/**
 * @param {string} url
 * @param {import('node:module').LoadHookContext} context
 * @param {(url: string, context?: Partial<import('node:module').LoadHookContext>) => import('node:module').LoadFnOutput | Promise<import('node:module').LoadFnOutput>} nextLoad
 * @returns {Promise<import('node:module').LoadFnOutput>}
 */
export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (url.endsWith(FUNCTION_POOL)) {
    const source = String(loaded.source);
    if (!source.includes(POOL_CLASS)) throw new Error(`offline-loader: ${FUNCTION_POOL} no longer exports its pool as expected; check the bounded pool`);
    const install = `\nimport { createRequire as localCloudRequire } from 'node:module';\nlocalCloudRequire(import.meta.url)(${JSON.stringify(BOUND_POOL)}).boundFunctionPool(LambdaFunctionPool);\n`;
    return { ...loaded, source: source + install };
  }
  if (!url.endsWith(PROXY_EVENT)) return loaded;
  const source = String(loaded.source);
  // A new serverless-offline that reads its body otherwise must be looked at again, not patched blind.
  if (!source.includes(PARSED_BODY)) throw new Error(`offline-loader: ${PROXY_EVENT} no longer reads its body as expected; check the raw-body fix`);
  return { ...loaded, source: source.replace(PARSED_BODY, RAW_BODY) };
}
