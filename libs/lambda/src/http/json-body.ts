import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '@yubl/errors';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Whether a content-type header names JSON (application/json, a +json type, with or without parameters). */
export const isJsonContentType = (type: string | undefined): boolean => type !== undefined && JSON_TYPE.test(type);

function contentType(headers: Record<string, string | undefined> | null | undefined): string | undefined {
  // Stryker disable next-line ConditionalExpression: for-in over null or undefined runs no iteration: undefined either way
  if (!headers) return undefined;
  for (const name in headers) if (name.length === 12 && name.toLowerCase() === 'content-type') return headers[name];
  return undefined;
}

/**
 * The request body as a value, or the contract's refusal: 413 over `maxBytes`, 415 for a body that
 * is not application/json, 400 for JSON that does not parse. No body at all is undefined.
 */
export function parseJsonBody(
  event: { body?: string | null; isBase64Encoded?: boolean; headers?: Record<string, string | undefined> | null },
  maxBytes: number,
): unknown {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  // Characters never outnumber bytes: only a long body needs its bytes counted.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes) throw new PayloadTooLargeError(`The body is over ${maxBytes} bytes`);
  const type = contentType(event.headers);
  if (!isJsonContentType(type)) throw new UnsupportedMediaTypeError('The body must be JSON, sent as content-type: application/json');
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('The body is not valid JSON');
  }
}
