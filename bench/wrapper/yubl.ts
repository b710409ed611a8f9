// Ours: the full HTTP wrapper (correlation, warm-up, timeout warning, body parsing, errors) and our logger and metrics.
import { created, httpHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { post } from './handler-logic';

export const handler = httpHandler<{ text: string }>(async (request) => {
  const yubl = post(request.body.text);
  log.info('posted', { yublId: yubl.id });
  count('yubls.posted');
  return created(yubl);
});
