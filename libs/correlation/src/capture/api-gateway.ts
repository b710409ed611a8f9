import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { CALL_CHAIN_PROOF, isProvenChain } from '../chain-proof';
import type { CorrelationContext } from '../context';
import type { CorrelationSettings } from '../settings';
import { fromHeaderValue } from '../header-value';
import { buildContext, CORRELATION_ID } from './build';

function header(headers: Record<string, unknown> | undefined, wanted: string): string | undefined {
  if (!headers) return undefined;
  for (const name in headers) if (name.toLowerCase() === wanted && typeof headers[name] === 'string') return headers[name];
  return undefined;
}

/**
 * API Gateway REST (v1) and HTTP API (v2) events: ids from the headers, whatever their case
 * (v1 keeps the client's, v2 lowercases), percent-encoded UTF-8 decoded (header-value.ts). Without
 * an x-correlation-id, API Gateway's request id.
 * The request starts a new call chain unless its `call-chain-length` comes with the
 * `call-chain-proof` our own functions send (docs/design.md "The loop guard"): an app client's
 * count never moves the system toward its limit.
 */
export function fromApiGateway(event: APIGatewayProxyEvent | APIGatewayProxyEventV2, context: Partial<Context>, settings: CorrelationSettings): CorrelationContext {
  const requestId = event?.requestContext?.requestId;
  const headers = event?.headers as Record<string, unknown> | undefined;
  const captured = buildContext(headers, typeof requestId === 'string' ? requestId : '', context, settings, fromHeaderValue);
  if (captured.callChainLength === 1) return captured;
  const proven = isProvenChain(settings.callChainKey, captured.callChainLength, captured.ids[CORRELATION_ID]!, header(headers, CALL_CHAIN_PROOF));
  return proven ? captured : { ...captured, callChainLength: 1 };
}
