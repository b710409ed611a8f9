// The legacy API as an Express app: routes, JSON in and out, errors in the contract's shape.
import express, { type NextFunction, type Request, type Response } from 'express';
import { signToken } from '@yubl/auth';
import { NotFoundError, UnsupportedMediaTypeError, ValidationError, PayloadTooLargeError } from '@yubl/errors';
import { errorResponse, isJsonContentType, validateBody } from '@yubl/lambda';
import { getUser, join, JoinRequest, signIn, SignInRequest, type User, type UserStore } from './users';

export interface AppDependencies {
  store: UserStore;
  jwtSecret: () => Promise<string>;
}

export function createApp({ store, jwtSecret }: AppDependencies) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // A body must be JSON (415 otherwise), at most 64 KiB (413), and parse (400).
  app.use((request: Request, _response: Response, next: NextFunction) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && !isJsonContentType(request.headers['content-type'])) return next(new UnsupportedMediaTypeError('The body must be JSON, sent as content-type: application/json'));
    next();
  });
  app.use(express.json({ limit: '64kb', strict: false, type: () => true }));

  const session = async (user: User, secret: string) => ({ user, token: await signToken(user.id, secret) });

  app.post('/users', async (request, response) => {
    const joining = await validateBody(JoinRequest, request.body);
    // The signing secret before the commit: nothing is refused after the user is stored (a config
    // service that cannot answer fails the request while it has changed nothing).
    const secret = await jwtSecret();
    response.status(201).json(await session(await join(store, joining), secret));
  });

  app.post('/sessions', async (request, response) => {
    const user = await signIn(store, await validateBody(SignInRequest, request.body));
    response.status(200).json(await session(user, await jwtSecret()));
  });

  app.get('/users/:id', async (request, response) => {
    response.status(200).json(await getUser(store, String(request.params.id)));
  });

  app.use(() => {
    throw new NotFoundError('No such route');
  });

  // Errors in the contract's shape; body-parser's own (4xx, marked `expose`) first become ours.
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const parser = error as { type?: string; status?: number; expose?: boolean; message?: string };
    let mapped = error;
    if (parser.type && parser.expose && parser.status && parser.status < 500) {
      if (parser.status === 413) mapped = new PayloadTooLargeError('The body is over 65536 bytes');
      else if (parser.status === 415) mapped = new UnsupportedMediaTypeError('The body must be JSON, sent as content-type: application/json');
      else mapped = new ValidationError(parser.type === 'entity.parse.failed' ? 'The body is not valid JSON' : `The body could not be read (${parser.message})`);
    }
    const answer = errorResponse(mapped);
    response.status(answer.statusCode).set(answer.headers as Record<string, string>).send(answer.body);
  });
  return app;
}

