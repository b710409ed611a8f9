'use strict';

// An SQS endpoint for the local cloud: the SQS JSON 1.0 protocol (X-Amz-Target: AmazonSQS.*), in
// memory. It exists so that on-failure destinations and test subscriptions have somewhere real to land:
// standard queues, visibility timeouts and long polling; no FIFO, no redrive.

const crypto = require('node:crypto');
const { AwsError } = require('./aws-errors');

const md5 = (/** @type {string} */ text) => crypto.createHash('md5').update(text, 'utf8').digest('hex');

/**
 * @typedef {object} Message
 * @property {string} MessageId
 * @property {string} Body
 * @property {string} MD5OfBody
 * @property {Record<string, unknown> | undefined} MessageAttributes
 * @property {number} invisibleUntil
 * @property {number} receiveCount
 * @property {number} sentAt
 * @property {string} [ReceiptHandle] the last receive's
 *
 * @typedef {{ name: string, arn: string, attributes: Record<string, string>, messages: Message[], waiters: Set<() => void> }} Queue
 */

/** @param {{ region: string, accountId: string, endpoint: () => string }} options */
function createSqs({ region, accountId, endpoint }) {
  /** @type {Map<string, Queue>} */
  const queues = new Map(); // name -> { name, arn, attributes, messages: [], waiters: Set }

  const urlOf = (/** @type {string} */ name) => `${endpoint()}/${accountId}/${name}`;

  /** @param {unknown} url */
  function queueFromUrl(url) {
    const name = typeof url === 'string' ? url.split('/').pop() : undefined;
    const queue = name && queues.get(name);
    if (!queue) throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    return queue;
  }

  /** @param {Queue} queue @param {number} now */
  function visible(queue, now) {
    return queue.messages.filter((m) => m.invisibleUntil <= now);
  }

  /** @param {Queue} queue @param {unknown} body @param {Record<string, unknown>} [messageAttributes] */
  function enqueue(queue, body, messageAttributes) {
    if (typeof body !== 'string' || body.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    if (Buffer.byteLength(body) > 262144) throw new AwsError('InvalidParameterValue', 'Message must be shorter than 262144 bytes.');
    /** @type {Message} */
    const message = {
      MessageId: crypto.randomUUID(),
      Body: body,
      MD5OfBody: md5(body),
      MessageAttributes: messageAttributes,
      invisibleUntil: 0,
      receiveCount: 0,
      sentAt: Date.now(),
    };
    queue.messages.push(message);
    for (const wake of queue.waiters) wake();
    return message;
  }

  // Each takes the request's JSON (as a client sent it) and returns the answer's.
  /** @satisfies {Record<string, (input: any) => object>} */
  const operations = {
    CreateQueue({ QueueName, Attributes = {} }) {
      if (typeof QueueName !== 'string' || !/^[a-zA-Z0-9_-]{1,80}$/.test(QueueName)) {
        throw new AwsError('InvalidParameterValue', `Queue name '${QueueName}' is not valid`);
      }
      if (!queues.has(QueueName)) {
        queues.set(QueueName, {
          name: QueueName,
          arn: `arn:aws:sqs:${region}:${accountId}:${QueueName}`,
          attributes: { VisibilityTimeout: '30', ...Attributes },
          messages: [],
          waiters: new Set(),
        });
      }
      return { QueueUrl: urlOf(QueueName) };
    },
    GetQueueUrl({ QueueName }) {
      if (!queues.has(QueueName)) throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
      return { QueueUrl: urlOf(QueueName) };
    },
    ListQueues() {
      return { QueueUrls: [...queues.keys()].map(urlOf) };
    },
    GetQueueAttributes({ QueueUrl }) {
      const queue = queueFromUrl(QueueUrl);
      const now = Date.now();
      return {
        Attributes: {
          ...queue.attributes,
          QueueArn: queue.arn,
          ApproximateNumberOfMessages: String(visible(queue, now).length),
          ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - visible(queue, now).length),
        },
      };
    },
    SendMessage({ QueueUrl, MessageBody, MessageAttributes }) {
      const message = enqueue(queueFromUrl(QueueUrl), MessageBody, MessageAttributes);
      return { MessageId: message.MessageId, MD5OfMessageBody: message.MD5OfBody };
    },
    async ReceiveMessage({ QueueUrl, MaxNumberOfMessages = 1, WaitTimeSeconds = 0, VisibilityTimeout }) {
      const queue = queueFromUrl(QueueUrl);
      if (MaxNumberOfMessages < 1 || MaxNumberOfMessages > 10) throw new AwsError('InvalidParameterValue', 'MaxNumberOfMessages must be 1 to 10');
      const deadline = Date.now() + Math.min(WaitTimeSeconds, 20) * 1000;
      let ready = visible(queue, Date.now());
      while (ready.length === 0 && Date.now() < deadline) {
        // Long polling: wake on a new message or at the deadline.
        await /** @type {Promise<void>} */ (new Promise((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            queue.waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, Math.max(0, Math.min(deadline - Date.now(), 1000)));
          queue.waiters.add(wake);
        }));
        ready = visible(queue, Date.now());
      }
      const hide = Number(VisibilityTimeout ?? queue.attributes.VisibilityTimeout) * 1000;
      return {
        Messages: ready.slice(0, MaxNumberOfMessages).map((message) => {
          message.invisibleUntil = Date.now() + hide;
          message.receiveCount += 1;
          message.ReceiptHandle = `${message.MessageId}:${crypto.randomUUID()}`;
          return {
            MessageId: message.MessageId,
            ReceiptHandle: message.ReceiptHandle,
            MD5OfBody: message.MD5OfBody,
            Body: message.Body,
            Attributes: { ApproximateReceiveCount: String(message.receiveCount), SentTimestamp: String(message.sentAt) },
            ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
          };
        }),
      };
    },
    DeleteMessage({ QueueUrl, ReceiptHandle }) {
      const queue = queueFromUrl(QueueUrl);
      const index = queue.messages.findIndex((m) => m.ReceiptHandle === ReceiptHandle);
      if (index < 0) throw new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${ReceiptHandle}" is not valid.`);
      queue.messages.splice(index, 1);
      return {};
    },
    // As on AWS: a received message's visibility changed by its receipt handle (0 shows it again at once).
    ChangeMessageVisibility({ QueueUrl, ReceiptHandle, VisibilityTimeout }) {
      const queue = queueFromUrl(QueueUrl);
      const message = queue.messages.find((m) => m.ReceiptHandle === ReceiptHandle);
      if (!message) throw new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${ReceiptHandle}" is not valid.`);
      if (!Number.isInteger(VisibilityTimeout) || VisibilityTimeout < 0 || VisibilityTimeout > 43_200) throw new AwsError('InvalidParameterValue', 'VisibilityTimeout must be 0 to 43200 seconds');
      message.invisibleUntil = Date.now() + VisibilityTimeout * 1000;
      if (VisibilityTimeout === 0) for (const wake of queue.waiters) wake();
      return {};
    },
    PurgeQueue({ QueueUrl }) {
      queueFromUrl(QueueUrl).messages.length = 0;
      return {};
    },
  };

  return {
    /** @param {string} target @param {unknown} body */
    handle(target, body) {
      const name = String(target).replace(/^AmazonSQS\./, '');
      const operation = Object.hasOwn(operations, name) ? /** @type {Record<string, (input: any) => object>} */ (operations)[name] : undefined;
      if (!operation) throw new AwsError('UnsupportedOperation', `SQS operation '${name}' is not emulated`);
      return operation(body ?? {});
    },
    /** Delivery from SNS subscriptions and on-failure destinations, by queue ARN. */
    /** @param {string} arn @param {string} body */
    sendToArn(arn, body) {
      const queue = queues.get(String(String(arn).split(':').pop()));
      if (!queue) throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', `No queue ${arn}`);
      enqueue(queue, body);
    },
    arnOf: (/** @type {string} */ name) => queues.get(name)?.arn,
    urlOf,
  };
}

module.exports = { createSqs };
