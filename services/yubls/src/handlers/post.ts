import { bearerVerifier } from '@yubl/auth';
import { dynamoDbOutbox } from '@yubl/events';
import { created, httpHandler, validateBody } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { dynamoDbYublStore } from '../store';
import { idempotencyKey, postYubl, PostRequest } from '../yubls';

const tables = { yubls: process.env.YUBLS_TABLE!, idempotencyKeys: process.env.IDEMPOTENCY_KEYS_TABLE! };
const store = dynamoDbYublStore(tables, dynamoDbOutbox({ table: process.env.OUTBOX_TABLE! }), process.env.YUBLS_STREAM!);
const bearer = bearerVerifier();

// Who is asking comes before what they sent: no token, 401, whatever the body.
export const handler = httpHandler(async ({ headers, body }) => {
  const authorId = await bearer.userId(headers.authorization);
  const key = idempotencyKey(headers['idempotency-key']);
  const { text } = await validateBody(PostRequest, body);
  const { yubl, isNew } = await postYubl(store, authorId, text, key);
  // The call chain's first line: the HTTP wrapper writes none for a request that succeeds.
  log.info(isNew ? 'yubl posted' : 'yubl repeated for its Idempotency-Key', { yublId: yubl.id });
  return created(yubl);
});
