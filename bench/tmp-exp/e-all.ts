// manual composition of our pieces, toggled by env at bundle time via globals
import middy from '@middy/core';
import { fromApiGateway, runWithContext, settingsFromEnv } from '../../libs/correlation/src';
import { jsonBody } from '../../libs/lambda/src/http/json-body';
import { httpResponses } from '../../libs/lambda/src/http/responses';
import { toHttpRequest } from '../../libs/lambda/src/http/handler';
import { log } from '../../libs/logger/src';
import { count } from '../../libs/metrics/src';
import { post } from '../wrapper/handler-logic';
declare const USE_ALS: boolean, USE_MIDDY: boolean, USE_TIMER: boolean, USE_LOG: boolean;
const s = settingsFromEnv();
const biz = async (request: any) => { const y = post(request.body.text); if (USE_LOG) { log.info('posted', { yublId: y.id }); count('yubls.posted'); } return { statusCode: 201, body: y }; };
const chain = middy((event: any) => biz(toHttpRequest(event)), { timeoutEarlyInMillis: 0 }).use(httpResponses()).use(jsonBody());
const direct = async (event: any) => { const e = event; e.body = JSON.parse(e.body); const r = await biz(toHttpRequest(e)); return { statusCode: r.statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(r.body) }; };
const inner = USE_MIDDY ? chain : direct;
async function run(event: any, context: any) {
  let t: any; if (USE_TIMER) { t = setTimeout(() => {}, context.getRemainingTimeInMillis() - 500); t.unref(); }
  try { return await inner(event, context); } finally { if (t) clearTimeout(t); }
}
export const handler = (event: any, context: any) => { context.callbackWaitsForEmptyEventLoop = false; return USE_ALS ? runWithContext(fromApiGateway(event, context, s), run, event, context) : run(event, context); };
