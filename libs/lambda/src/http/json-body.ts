import type { MiddlewareObj } from '@middy/core';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '@yubl/errors';
import type { ApiGatewayEvent } from './types';

export interface JsonBodyOptions {
  /** larger bodies get 413 (default 64 KiB, as API.md says) */
  maxBytes?: number;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

function contentType(headers: Record<string, string | undefined> | null | undefined): string | undefined {
  if (!headers) return undefined;
  for (const name in headers) if (name.length === 12 && name.toLowerCase() === 'content-type') return headers[name];
  return undefined;
}

/**
 * Parses a JSON request body in place (event.body becomes the value), or refuses it with the
 * contract's errors: 413 over the limit, 415 for a body that is not application/json, 400 for
 * JSON that does not parse. No body at all is left undefined.
 */
export const jsonBody = ({ maxBytes = 64 * 1024 }: JsonBodyOptions = {}): MiddlewareObj<ApiGatewayEvent> => ({
  before: (request) => {
    const event = request.event as { body?: unknown; isBase64Encoded?: boolean; headers?: Record<string, string | undefined> };
    const raw = event.body;
    if (raw === undefined || raw === null || raw === '') {
      event.body = undefined;
      return;
    }
    if (typeof raw !== 'string') return; // already parsed by an earlier middleware
    const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (Buffer.byteLength(text) > maxBytes) throw new PayloadTooLargeError(`The body is over ${maxBytes} bytes`);
    const type = contentType(event.headers);
    if (!type || !JSON_TYPE.test(type)) throw new UnsupportedMediaTypeError('The body must be JSON, sent as content-type: application/json');
    try {
      event.body = JSON.parse(text);
    } catch {
      throw new ValidationError('The body is not valid JSON');
    }
  },
});
