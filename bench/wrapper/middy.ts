// middy with three of its own HTTP middlewares, logging by hand.
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { post } from './handler-logic';

export const handler = middy(async (event: APIGatewayProxyEvent, context: Context) => {
  const body = event.body as unknown as { text: string };
  const yubl = post(body.text);
  console.log(JSON.stringify({ level: 'info', message: 'posted', yublId: yubl.id, awsRequestId: context.awsRequestId, 'x-correlation-id': event.headers['x-correlation-id'] }));
  console.log(`MONITORING|${Math.floor(Date.now() / 1000)}|1|count|yubls.posted|`);
  return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(yubl) };
})
  .use(httpHeaderNormalizer())
  .use(httpJsonBodyParser())
  .use(httpErrorHandler());
