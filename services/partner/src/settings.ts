// The partner service's config values (the config service, service `partner`; docs/api.md): each
// function asks for the ones it uses. enrolment and validation-mode need no entry: absent, they are
// their documented defaults, and a switch written later is picked up within one refresh.
import { createConfigClient } from '@yubl/config';

export const CONFIG = {
  /** the payload signing key, KMS-encrypted */
  signingKey: 'partner/signing-key',
  /** `on` (default) or `off` */
  enrolment: 'partner/enrolment',
  /** `strict` (default) or `permissive` */
  validationMode: 'partner/validation-mode',
  /** the partner's API base URL (PARTNER_API_URL; on the local stage, the stand-in's) */
  apiUrl: 'partner/api-url',
  /** the key the partner wants on our calls, KMS-encrypted */
  apiKey: 'partner/api-key',
} as const;

const DEFAULTS = { [CONFIG.enrolment]: 'on', [CONFIG.validationMode]: 'strict' };

export const partnerConfig = (keys: string[]) => createConfigClient({ keys, defaults: DEFAULTS });

/** `off` only when it says off: any other value keeps enrolling. */
export const enrolmentOf = (value: string): 'on' | 'off' => (value.trim() === 'off' ? 'off' : 'on');
