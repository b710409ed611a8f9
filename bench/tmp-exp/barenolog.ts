import { post } from '/work/main/bench/wrapper/handler-logic';
export const handler = async (event: any) => { const body = JSON.parse(event.body); return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(post(body.text)) }; };
