import middy from '@middy/core';
import { post } from '/work/main/bench/wrapper/handler-logic';
const inner = async (event: any) => { const body = JSON.parse(event.body); return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(post(body.text)) }; };
export const handler = middy(inner, { timeoutEarlyInMillis: 0 }).use({ before: () => {} }).use({ after: () => {} });
