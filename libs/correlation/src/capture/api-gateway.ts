import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { CorrelationContext } from '../context';
import type { CorrelationSettings } from '../settings';
import { buildContext } from './build';

/**
 * API Gateway REST (v1) and HTTP API (v2) events: ids from the headers, whatever their case
 * (v1 keeps the client's, v2 lowercases). Without an x-correlation-id, API Gateway's request id.
 */
export function fromApiGateway(event: APIGatewayProxyEvent | APIGatewayProxyEventV2, context: Partial<Context>, settings: CorrelationSettings): CorrelationContext {
  const requestId = event?.requestContext?.requestId;
  return buildContext(event?.headers as Record<string, unknown> | undefined, typeof requestId === 'string' ? requestId : '', context, settings);
}
