import { correlatedFetch } from '@yubl/correlation';
import { answerOf, type PartnerAnswer } from './partner-calls';

export interface PartnerAccountRequest {
  externalId: string;
  username: string;
  validationPayload: string;
}

/**
 * The partner's POST /accounts over HTTP, with its API key and our correlation ids (the partner
 * passes them on when it calls our validation endpoint), within `timeoutMs`.
 */
export const partnerOverHttp = (settings: () => Promise<{ url: string; apiKey: string }>, timeoutMs: number) => ({
  timeoutMs,
  async create(request: PartnerAccountRequest): Promise<PartnerAnswer> {
    const { url, apiKey } = await settings();
    let response: Response;
    let body: unknown;
    try {
      response = await correlatedFetch(`${url.replace(/\/$/, '')}/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify(request),
        timeoutMs,
      });
      body = await response.json().catch(() => undefined);
    } catch (error) {
      return { kind: 'busy', why: `no answer from the partner (${(error as Error).name}: ${(error as Error).message})` };
    }
    return answerOf(response.status, body as Parameters<typeof answerOf>[1]);
  },
});
