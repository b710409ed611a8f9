'use strict';

// An SNS endpoint for the local cloud: the SNS query protocol (form-encoded requests, XML answers),
// in memory. Topics, Publish and PublishBatch with message attributes, and subscriptions of the
// `lambda` and `sqs` protocols. Delivery itself is the caller's: every notification is handed to
// `deliver(subscription, notification)`, which owns retries (see ../event-sources/sns.js).

const crypto = require('node:crypto');
const { AwsError } = require('./aws-errors');

const escapeXml = (/** @type {unknown} */ value) =>
  String(value).replace(/[<>&'"]/g, (c) => /** @type {Record<string, string>} */ ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

/**
 * Renders a plain value as query-protocol XML: arrays become <member> lists.
 * @param {unknown} value
 * @returns {string}
 */
function toXml(value) {
  if (value == null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([key, inner]) => `<${key}>${toXml(inner)}</${key}>`)
      .join('');
  }
  return escapeXml(value);
}

/** @param {string} action @param {unknown} result */
function respond(action, result) {
  return `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

/** @param {AwsError} error */
function errorXml(error) {
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`;
}

/**
 * Reads `Prefix.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` into a message attribute map.
 * @param {URLSearchParams} params
 * @param {string} prefix
 */
function readAttributes(params, prefix) {
  /** @type {Record<string, { Type: string, Value: string }>} */
  const attributes = {};
  for (let n = 1; params.has(`${prefix}.entry.${n}.Name`); n += 1) {
    const name = params.get(`${prefix}.entry.${n}.Name`);
    const type = params.get(`${prefix}.entry.${n}.Value.DataType`);
    const value = params.get(`${prefix}.entry.${n}.Value.StringValue`) ?? params.get(`${prefix}.entry.${n}.Value.BinaryValue`);
    if (!type || value == null) throw new AwsError('ParameterValueInvalid', `The message attribute '${name}' must contain a non-empty value of type '${type ?? 'String'}'.`);
    attributes[String(name)] = { Type: type, Value: value };
  }
  if (Object.keys(attributes).length > 10) throw new AwsError('InvalidParameterValue', 'A message can have at most 10 message attributes.');
  return attributes;
}

/**
 * @typedef {import('../event-sources/sns').Subscription} Subscription
 * @typedef {import('../event-sources/sns').Notification} Notification
 * @typedef {{ arn: string, name: string, subscriptions: Map<string, Subscription> }} Topic
 */

/**
 * @param {object} options
 * @param {string} options.region
 * @param {string} options.accountId
 * @param {(subscription: Subscription, notification: Notification) => void} options.deliver
 */
function createSns({ region, accountId, deliver }) {
  /** @type {Map<string, Topic>} */
  const topics = new Map(); // arn -> { arn, name, subscriptions: Map<arn, subscription> }

  /** @param {string | null | undefined} arn */
  function topicOf(arn) {
    const topic = arn && topics.get(arn);
    if (!topic) throw new AwsError('NotFound', 'Topic does not exist', { status: 404 });
    return topic;
  }

  /**
   * @param {Topic} topic
   * @param {{ message: unknown, subject?: string, attributes: Record<string, { Type: string, Value: string }> }} input
   */
  function publish(topic, { message, subject, attributes }) {
    if (typeof message !== 'string' || message.length === 0) throw new AwsError('InvalidParameter', 'Invalid parameter: Empty message');
    if (Buffer.byteLength(message) > 262144) throw new AwsError('InvalidParameter', 'Invalid parameter: Message too long');
    /** @type {Notification} */
    const notification = {
      MessageId: crypto.randomUUID(),
      TopicArn: topic.arn,
      Subject: subject ?? null,
      Message: message,
      Timestamp: new Date().toISOString(),
      MessageAttributes: attributes,
    };
    for (const subscription of topic.subscriptions.values()) deliver(subscription, notification);
    return notification.MessageId;
  }

  /** @param {unknown} name */
  function createTopic(name) {
    if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,256}$/.test(name)) throw new AwsError('InvalidParameter', `Invalid parameter: Topic Name '${name}'`);
    const arn = `arn:aws:sns:${region}:${accountId}:${name}`;
    if (!topics.has(arn)) topics.set(arn, { arn, name, subscriptions: new Map() });
    return arn;
  }

  /**
   * @param {string | null} topicArn
   * @param {any} protocol lambda or sqs; anything else is refused
   * @param {any} endpoint
   * @param {Record<string, string | null>} [attributes]
   * @returns {string} the subscription's ARN
   */
  function subscribe(topicArn, protocol, endpoint, attributes = {}) {
    const topic = topicOf(topicArn);
    if (!['lambda', 'sqs'].includes(protocol)) throw new AwsError('InvalidParameter', `Invalid parameter: protocol '${protocol}' is not emulated (lambda, sqs)`);
    for (const existing of topic.subscriptions.values()) {
      if (existing.protocol === protocol && existing.endpoint === endpoint) return existing.arn;
    }
    const arn = `${topic.arn}:${crypto.randomUUID()}`;
    topic.subscriptions.set(arn, { arn, topicArn: topic.arn, protocol, endpoint, raw: attributes.RawMessageDelivery === 'true' });
    return arn;
  }

  /** @type {Record<string, (params: URLSearchParams) => object>} */
  const actions = {
    CreateTopic: (p) => ({ TopicArn: createTopic(p.get('Name')) }),
    ListTopics: () => ({ Topics: [...topics.keys()].map((TopicArn) => ({ TopicArn })) }),
    Subscribe: (p) => {
      /** @type {Record<string, string | null>} */
      const attributes = {};
      for (let n = 1; p.has(`Attributes.entry.${n}.key`); n += 1) attributes[String(p.get(`Attributes.entry.${n}.key`))] = p.get(`Attributes.entry.${n}.value`);
      return { SubscriptionArn: subscribe(p.get('TopicArn'), p.get('Protocol'), p.get('Endpoint'), attributes) };
    },
    Unsubscribe: (p) => {
      for (const topic of topics.values()) topic.subscriptions.delete(String(p.get('SubscriptionArn')));
      return {};
    },
    ListSubscriptionsByTopic: (p) => ({
      Subscriptions: [...topicOf(p.get('TopicArn')).subscriptions.values()].map((s) => ({
        SubscriptionArn: s.arn,
        TopicArn: s.topicArn,
        Protocol: s.protocol,
        Endpoint: s.endpoint,
        Owner: accountId,
      })),
    }),
    Publish: (p) => {
      const topic = topicOf(p.get('TopicArn') ?? p.get('TargetArn'));
      return { MessageId: publish(topic, { message: p.get('Message'), subject: p.get('Subject') ?? undefined, attributes: readAttributes(p, 'MessageAttributes') }) };
    },
    PublishBatch: (p) => {
      const topic = topicOf(p.get('TopicArn'));
      /** @type {number[]} */
      const entries = [];
      for (let n = 1; p.has(`PublishBatchRequestEntries.member.${n}.Id`); n += 1) entries.push(n);
      if (entries.length === 0) throw new AwsError('EmptyBatchRequest', 'The batch request doesn\'t contain any entries.');
      if (entries.length > 10) throw new AwsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
      /** @type {{ Id: string | null, MessageId: string }[]} */
      const Successful = [];
      /** @type {{ Id: string | null, Code: string, Message: string, SenderFault: boolean }[]} */
      const Failed = [];
      for (const n of entries) {
        const prefix = `PublishBatchRequestEntries.member.${n}`;
        const Id = p.get(`${prefix}.Id`);
        try {
          const MessageId = publish(topic, {
            message: p.get(`${prefix}.Message`),
            subject: p.get(`${prefix}.Subject`) ?? undefined,
            attributes: readAttributes(p, `${prefix}.MessageAttributes`),
          });
          Successful.push({ Id, MessageId });
        } catch (thrown) {
          const error = /** @type {Partial<AwsError> & Error} */ (thrown);
          Failed.push({ Id, Code: error.code ?? 'InternalError', Message: error.message, SenderFault: error.fault !== 'Receiver' });
        }
      }
      return { Successful, Failed };
    },
  };

  return {
    /** Answers one query-protocol request; returns { status, body } with an XML body. */
    /** @param {string} formBody */
    handle(formBody) {
      const params = new URLSearchParams(formBody);
      const action = String(params.get('Action'));
      try {
        const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
        if (!run) throw new AwsError('InvalidAction', `SNS action '${action}' is not emulated`);
        return { status: 200, body: respond(action, run(params)) };
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        return { status: error.status, body: errorXml(error) };
      }
    },
    createTopic,
    subscribe,
    /** @type {(arn: string, message: string, attributes?: Record<string, { Type: string, Value: string }>) => string} */
    publishToArn: (arn, message, attributes = {}) => publish(topicOf(arn), { message, attributes }),
  };
}

module.exports = { createSns };
