import { bearerVerifier } from '@yubl/auth';
import { envelope, kinesisPublisher } from '@yubl/events';
import { created, httpHandler, validateBody } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { dynamoDbYublStore } from '../store';
import { postYubl, PostRequest } from '../yubls';

const store = dynamoDbYublStore(process.env.YUBLS_TABLE!);
const bearer = bearerVerifier();
const events = kinesisPublisher(process.env.YUBLS_STREAM!);

// Who is asking comes before what they sent: no token, 401, whatever the body.
export const handler = httpHandler(async ({ headers, body }) => {
  const authorId = await bearer.userId(headers.authorization);
  const { text } = await validateBody(PostRequest, body);
  const yubl = await postYubl(store, authorId, text);
  await events.publish(authorId, envelope('yubl-posted', { yubl }));
  // The call chain's first line: the HTTP wrapper writes none for a request that succeeds.
  log.info('yubl posted', { yublId: yubl.id });
  return created(yubl);
});
