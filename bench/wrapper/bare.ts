// No wrapper: what a function without shared libraries does by hand.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { post } from './handler-logic';

export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  const body = JSON.parse(event.body ?? '{}') as { text: string };
  const yubl = post(body.text);
  console.log(JSON.stringify({ level: 'info', message: 'posted', yublId: yubl.id, awsRequestId: context.awsRequestId, 'x-correlation-id': event.headers['x-correlation-id'] }));
  console.log(`MONITORING|${Math.floor(Date.now() / 1000)}|1|count|yubls.posted|`);
  return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(yubl) };
};
