'use strict';

// One HTTP endpoint for the small emulators (KMS, SQS, CloudWatch, CloudWatch Logs, EventBridge, SNS), told
// apart the way AWS's wire protocols differ: X-Amz-Target names the JSON services (by its prefix),
// SNS speaks form-encoded query.

const http = require('node:http');
const { AwsError } = require('./aws-errors');
const { readRequestBody, UnreadableBody } = require('./request-body');

// SQS's JSON protocol keeps its query-era error codes in a header the SDK reads.
/** @type {Record<string, string>} */
const SQS_JSON_TYPES = { 'AWS.SimpleQueueService.NonExistentQueue': 'QueueDoesNotExist' };

/**
 * An emulator of a JSON protocol: answers the request `target` (its X-Amz-Target, as sent) with the result, or throws an AwsError.
 * @typedef {{ handle(target: string, body: any): unknown }} JsonService
 */

/**
 * @param {object} emulators
 * @param {JsonService} emulators.kms
 * @param {JsonService} emulators.sqs
 * @param {{ handle(text: string): { status: number, body: string } }} emulators.sns the query protocol
 * @param {JsonService} emulators.logs
 * @param {JsonService} [emulators.eventBridge]
 * @param {JsonService} emulators.cloudwatch
 * @param {(line: string) => void} emulators.log
 */
function createAwsEndpoint({ kms, sqs, sns, logs, eventBridge, cloudwatch, log }) {
  // X-Amz-Target prefix -> the emulator that answers it.
  /** @type {[string, JsonService | undefined][]} */
  const jsonServices = [
    ['TrentService.', kms],
    ['AmazonSQS.', sqs],
    ['Logs_20140328.', logs],
    ['AWSEvents.', eventBridge],
    // CloudWatch metrics (cloudwatch.js): JSON 1.0 with query-compatible errors, as SQS.
    ['GraniteServiceVersion20100801.', cloudwatch],
  ];

  /**
   * @param {import('node:http').ServerResponse} response
   * @param {JsonService} service
   * @param {string} target
   * @param {string} text
   */
  async function answerJson(response, service, target, text) {
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    try {
      let body;
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON');
      }
      const result = await service.handle(target, body);
      response.writeHead(200, json).end(JSON.stringify(result));
    } catch (thrown) {
      let error = /** @type {AwsError} */ (thrown);
      if (!(thrown instanceof AwsError)) {
        log(`emulator error on ${target}: ${/** @type {Error} */ (thrown).stack}`);
        error = new AwsError('InternalFailure', 'The emulator failed', { status: 500, fault: 'Receiver' });
      }
      /** @type {Record<string, string>} */
      const headers = { ...json };
      if (service === sqs || service === cloudwatch) headers['x-amzn-query-error'] = `${error.code};${error.fault}`;
      response.writeHead(error.status, headers).end(JSON.stringify({ __type: SQS_JSON_TYPES[error.code] ?? error.code, message: error.message }));
    }
  }

  return http.createServer(async (request, response) => {
    // A body that does not decompress is answered as one that is not JSON.
    const text = await readRequestBody(request).catch((error) => (error instanceof UnreadableBody ? '' : Promise.reject(error)));
    const target = String(request.headers['x-amz-target'] ?? '');
    const json = jsonServices.find(([prefix, service]) => service && target.startsWith(prefix));
    if (json?.[1]) return answerJson(response, json[1], target, text);
    if (request.method === 'POST' && /x-www-form-urlencoded/.test(request.headers['content-type'] ?? '')) {
      const { status, body } = sns.handle(text);
      return response.writeHead(status, { 'content-type': 'text/xml' }).end(body);
    }
    if (request.method === 'GET' && request.url === '/health') return response.writeHead(200).end('ok');
    response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Unknown AWS protocol: this endpoint serves KMS, SQS, CloudWatch, CloudWatch Logs, EventBridge and SNS' }));
  });
}

module.exports = { createAwsEndpoint };
