import { post } from '../wrapper/handler-logic';
const inner = async (event: any) => { const body = JSON.parse(event.body); return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(post(body.text)) }; };
export const handler = async (event: any, ctx: any) => { const t = setTimeout(() => {}, ctx.getRemainingTimeInMillis() - 500); t.unref(); try { return await inner(event); } finally { clearTimeout(t); } };
