import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

export type ApiGatewayEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** What an HTTP handler is given: plain values, headers lowercased, the body parsed (and validated). */
export interface HttpRequest<TBody = unknown> {
  method: string;
  path: string;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: TBody;
  /** the authorizer's principal (a user id), when the route has an authorizer */
  principalId?: string;
}

/** What an HTTP handler returns: a status, and a body that goes out as JSON. */
export interface HttpResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): HttpResult => ({ statusCode: 200, body });
export const created = (body: unknown): HttpResult => ({ statusCode: 201, body });
export const noContent = (): HttpResult => ({ statusCode: 204 });

/** A validator following the Standard Schema interface (valibot, zod and others implement it). */
export interface StandardSchema<Output> {
  readonly '~standard': {
    validate(value: unknown): StandardResult<Output> | Promise<StandardResult<Output>>;
  };
}
type StandardResult<Output> =
  | { value: Output; issues?: undefined }
  | { issues: readonly { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] }[] };
