import * as v from 'valibot';
import { httpHandler, ok, validateBody } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { count } from '@yubl/metrics';
import { CONFIG, partnerConfig } from '../settings';
import { answerFor, checkPayload, validationMode } from '../validation-payload';

const config = partnerConfig([CONFIG.signingKey, CONFIG.validationMode]);
// docs/api.md: {payload}, and the account the partner is about to create (externalId), when it says.
const ValidationRequest = v.object({ payload: v.string(), externalId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))) });

// API Gateway lets only the partner's key in (private: true).
export const handler = httpHandler(async ({ body }) => {
  const { payload, externalId } = await validateBody(ValidationRequest, body);
  const [key, mode] = await Promise.all([config.get(CONFIG.signingKey), config.get(CONFIG.validationMode)]);
  const check = await checkPayload(payload, key, { externalId });
  const { answer, overridden } = answerFor(check, validationMode(mode));
  if (overridden) {
    log.warn('validation permitted in permissive mode; strict would have refused it', { reason: overridden, externalId });
    count('partner.validation.permitted', 1, { reason: overridden });
  } else {
    log.info(answer.valid ? 'validation payload valid' : 'validation payload refused', { externalId, ...(answer.valid ? {} : { reason: answer.reason }) });
    count('partner.validations', 1, { valid: answer.valid });
  }
  return ok(answer);
});
