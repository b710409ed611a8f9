import { AsyncLocalStorage } from 'node:async_hooks';
import { post } from '/work/main/bench/wrapper/handler-logic';
const als = new AsyncLocalStorage();
const inner = async (event: any) => { const body = JSON.parse(event.body); return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(post(body.text)) }; };
export const handler = (event: any, ctx: any) => als.run({ a: 1 }, inner, event, ctx);
