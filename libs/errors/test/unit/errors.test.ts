import { ConflictError, ForbiddenError, HttpError, NotFoundError, PayloadTooLargeError, TooManyRequestsError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError } from '../../src';

describe('the errors domain code throws', () => {
  it.each([
    [new ValidationError('bad', [{ path: 'body.x', message: 'missing' }]), 400, 'ValidationError', 'bad'],
    [new UnauthorizedError(), 401, 'Unauthorized', 'Missing or invalid credentials'],
    [new ForbiddenError(), 403, 'Forbidden', 'Not allowed'],
    [new NotFoundError(), 404, 'NotFound', 'Not found'],
    [new ConflictError('taken'), 409, 'Conflict', 'taken'],
    [new PayloadTooLargeError('big'), 413, 'PayloadTooLarge', 'big'],
    [new UnsupportedMediaTypeError('xml'), 415, 'UnsupportedMediaType', 'xml'],
    [new TooManyRequestsError(), 429, 'TooManyRequests', 'Too many requests'],
  ])('%p carries status %d and code %s, named after it, with its message', (error, status, code, message) => {
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ status, code, name: code, message });
  });

  it('take a message of their own in place of the default', () => {
    for (const error of [new UnauthorizedError('u'), new ForbiddenError('u'), new NotFoundError('u'), new TooManyRequestsError('u')]) expect(error.message).toBe('u');
  });

  it('carry the details of a validation error, and none otherwise', () => {
    expect(new ValidationError('bad', [{ path: 'body.x', message: 'missing' }]).details).toEqual([{ path: 'body.x', message: 'missing' }]);
    expect(new ConflictError('taken').details).toBeUndefined();
  });
});
