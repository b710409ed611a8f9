import { ValidationError } from '@yubl/errors';
import type { StandardSchema } from './types';

const pathOf = (path: readonly (PropertyKey | { key: PropertyKey })[] | undefined) =>
  ['body', ...(path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment))].join('.');

/**
 * The body checked against a Standard Schema (valibot here): the schema's output, or a 400 whose
 * details say where and why. The validator is called through the standard interface, so this file
 * imports no validator, and a function without a schema bundles none.
 */
export async function validateBody<T>(schema: StandardSchema<T>, body: unknown): Promise<T> {
  let result = schema['~standard'].validate(body);
  // Stryker disable next-line ConditionalExpression: awaiting a plain value gives the value
  if (result instanceof Promise) result = await result;
  if (result.issues) {
    throw new ValidationError(
      body === undefined ? 'A JSON body is required' : 'The body is not valid',
      result.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message })),
    );
  }
  return result.value;
}
