// AWS Powertools for TypeScript: its logger and metrics (EMF) on middy, as its docs show.
import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { post } from './handler-logic';

const logger = new Logger({ serviceName: 'yubls', correlationIdSearchFn: search });
const metrics = new Metrics({ namespace: 'yubl', serviceName: 'yubls' });

export const handler = middy(async (event: APIGatewayProxyEvent) => {
  const body = event.body as unknown as { text: string };
  const yubl = post(body.text);
  logger.info('posted', { yublId: yubl.id });
  metrics.addMetric('yubls.posted', MetricUnit.Count, 1);
  return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(yubl) };
})
  .use(injectLambdaContext(logger, { correlationIdPath: 'headers."x-correlation-id"' }))
  .use(logMetrics(metrics))
  .use(httpJsonBodyParser());
