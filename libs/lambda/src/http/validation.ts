import type { MiddlewareObj } from '@middy/core';
import { ValidationError } from '@yubl/errors';
import type { ApiGatewayEvent, StandardSchema } from './types';

const pathOf = (path: readonly (PropertyKey | { key: PropertyKey })[] | undefined) =>
  ['body', ...(path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment))].join('.');

/**
 * Validates the parsed body against a Standard Schema (valibot here) and replaces it with the
 * schema's output; an invalid body is a 400 whose details say where and why.
 */
export const validateBody = (schema: StandardSchema<unknown>): MiddlewareObj<ApiGatewayEvent> => ({
  before: async (request) => {
    const event = request.event as { body?: unknown };
    const result = await schema['~standard'].validate(event.body);
    if (result.issues) {
      throw new ValidationError(
        event.body === undefined ? 'A JSON body is required' : 'The body is not valid',
        result.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message })),
      );
    }
    event.body = result.value;
  },
});
