// An ES module load hook for serverless-offline (registered by offline-preload.js). API Gateway hands
// a function the body as it was sent; serverless-offline parses a JSON body first and, when the JSON
// is a bare string ("x"), passes the parsed string (x) instead of the text (objects and numbers it
// takes back from the raw text). Here its proxy event is made to start from the raw text always.
const PROXY_EVENT = '/src/events/http/lambda-events/LambdaProxyIntegrationEvent.js';
const PARSED_BODY = 'let body = this.#request.payload';
const RAW_BODY = 'let body = this.#request.rawPayload ?? this.#request.payload';

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!url.endsWith(PROXY_EVENT)) return loaded;
  const source = String(loaded.source);
  // A new serverless-offline that reads its body otherwise must be looked at again, not patched blind.
  if (!source.includes(PARSED_BODY)) throw new Error(`offline-loader: ${PROXY_EVENT} no longer reads its body as expected; check the raw-body fix`);
  return { ...loaded, source: source.replace(PARSED_BODY, RAW_BODY) };
}
