// The central store's client, and `_bulk` as a plain answer. The one place that knows how we reach
// OpenSearch: a local URL (the local cloud's stand-in) plainly; any other (the AWS domain) signed
// with SigV4 using the SDK's default credentials (the function's role).

import { Client, errors } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { bulkBody, type BulkAnswer, type BulkItemResult } from '../bulk-results';
import type { StoredDocument } from '../documents';

const isLocal = (url: string) => /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(url);

export function openSearchClient(url: string, region: string, requestTimeoutMs: number): Client {
  // Retries are ours (item by item, see indexing.ts): the client's own would resend whole requests.
  const common = { node: url, maxRetries: 0, requestTimeout: requestTimeoutMs };
  if (isLocal(url)) return new Client(common);
  return new Client({ ...AwsSigv4Signer({ region, service: 'es', getCredentials: defaultProvider() }), ...common });
}

export function bulkIndexer(client: Client) {
  return async (documents: StoredDocument[]): Promise<BulkAnswer> => {
    try {
      const response = await client.bulk({ body: bulkBody(documents) });
      const items = response.body.items.map((item): BulkItemResult => {
        const result = item.index ?? item.create ?? item.update ?? item.delete;
        return { status: result?.status ?? 0, error: result?.error as BulkItemResult['error'] };
      });
      return { status: response.statusCode ?? 200, items };
    } catch (error) {
      // An answer other than 2xx for the whole request; no answer at all is status 0.
      if (error instanceof errors.ResponseError) return { status: error.statusCode ?? 0 };
      return { status: 0 };
    }
  };
}
