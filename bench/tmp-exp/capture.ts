import { fromApiGateway, settingsFromEnv } from '../../libs/correlation/src';
import { post } from '../wrapper/handler-logic';
const s = settingsFromEnv();
export const handler = async (event: any, ctx: any) => { const c = fromApiGateway(event, ctx, s); const body = JSON.parse(event.body); return { statusCode: 201, headers: { 'content-type': 'application/json', 'x': c.ids['x-correlation-id'] }, body: JSON.stringify(post(body.text)) }; };
