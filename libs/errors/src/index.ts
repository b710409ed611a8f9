// The errors domain code throws when a request cannot be served. They carry the contract's HTTP
// status and code (docs/api.md) but know nothing of Lambda: the HTTP wrapper turns them into
// `{"error": {"code", "message", "details"}}` bodies.

export interface ErrorDetail {
  /** where in the input, e.g. "body.username" */
  path?: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = code;
  }
}

export class ValidationError extends HttpError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(400, 'ValidationError', message, details);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'Missing or invalid credentials') {
    super(401, 'Unauthorized', message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Not allowed') {
    super(403, 'Forbidden', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Not found') {
    super(404, 'NotFound', message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, 'Conflict', message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, 'PayloadTooLarge', message);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string) {
    super(415, 'UnsupportedMediaType', message);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(message = 'Too many requests') {
    super(429, 'TooManyRequests', message);
  }
}

/**
 * Something this request needs did not answer in time, or refused (a timeout, a connection refused,
 * throttling, a peer's 5xx): nothing is wrong with the request, and a retry may succeed (docs/api.md).
 */
export const SERVICE_UNAVAILABLE = 'A service this request needs is not answering; try again shortly';
export class ServiceUnavailableError extends HttpError {
  constructor(message = SERVICE_UNAVAILABLE, options?: { cause?: unknown }) {
    super(503, 'ServiceUnavailable', message);
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }
}
