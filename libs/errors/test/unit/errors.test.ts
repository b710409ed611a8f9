import { ConflictError, ForbiddenError, HttpError, NotFoundError, PayloadTooLargeError, TooManyRequestsError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError } from '../../src';

describe('the errors domain code throws', () => {
  // Made inside each test: errors made while the table is read would count for no test.
  it.each([
    ['ValidationError', 400, () => new ValidationError('bad', [{ path: 'body.x', message: 'missing' }]), 'bad'],
    ['Unauthorized', 401, () => new UnauthorizedError(), 'Missing or invalid credentials'],
    ['Forbidden', 403, () => new ForbiddenError(), 'Not allowed'],
    ['NotFound', 404, () => new NotFoundError(), 'Not found'],
    ['Conflict', 409, () => new ConflictError('taken'), 'taken'],
    ['PayloadTooLarge', 413, () => new PayloadTooLargeError('big'), 'big'],
    ['UnsupportedMediaType', 415, () => new UnsupportedMediaTypeError('xml'), 'xml'],
    ['TooManyRequests', 429, () => new TooManyRequestsError(), 'Too many requests'],
  ])('%s carries status %d, and is named after its code, with its message', (code, status, make, message) => {
    const error = make();
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
