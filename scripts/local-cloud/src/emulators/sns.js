'use strict';

// An SNS endpoint for the local cloud: the SNS query protocol (form-encoded requests, XML answers),
// in memory. Topics, Publish and PublishBatch with message attributes, and subscriptions of the
// `lambda` and `sqs` protocols. Delivery itself is the caller's: every notification is handed to
// `deliver(subscription, notification)`, which owns retries (see ../event-sources/sns.js).

const crypto = require('node:crypto');
const { AwsError } = require('./aws-errors');

const escapeXml = (value) =>
  String(value).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);

/** Renders a plain value as query-protocol XML: arrays become <member> lists. */
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

function respond(action, result) {
  return `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

function errorXml(error) {
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`;
}

/** Reads `Prefix.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` into a message attribute map. */
function readAttributes(params, prefix) {
  const attributes = {};
  for (let n = 1; params.has(`${prefix}.entry.${n}.Name`); n += 1) {
    const name = params.get(`${prefix}.entry.${n}.Name`);
    const type = params.get(`${prefix}.entry.${n}.Value.DataType`);
    const value = params.get(`${prefix}.entry.${n}.Value.StringValue`) ?? params.get(`${prefix}.entry.${n}.Value.BinaryValue`);
    if (!type || value == null) throw new AwsError('ParameterValueInvalid', `The message attribute '${name}' must contain a non-empty value of type '${type ?? 'String'}'.`);
    attributes[name] = { Type: type, Value: value };
  }
  if (Object.keys(attributes).length > 10) throw new AwsError('InvalidParameterValue', 'A message can have at most 10 message attributes.');
  return attributes;
}

function createSns({ region, accountId, deliver }) {
  const topics = new Map(); // arn -> { arn, name, subscriptions: Map<arn, subscription> }

  function topicOf(arn) {
    const topic = arn && topics.get(arn);
    if (!topic) throw new AwsError('NotFound', 'Topic does not exist', { status: 404 });
    return topic;
  }

  function publish(topic, { message, subject, attributes }) {
    if (typeof message !== 'string' || message.length === 0) throw new AwsError('InvalidParameter', 'Invalid parameter: Empty message');
    if (Buffer.byteLength(message) > 262144) throw new AwsError('InvalidParameter', 'Invalid parameter: Message too long');
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

  function createTopic(name) {
    if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,256}$/.test(name)) throw new AwsError('InvalidParameter', `Invalid parameter: Topic Name '${name}'`);
    const arn = `arn:aws:sns:${region}:${accountId}:${name}`;
    if (!topics.has(arn)) topics.set(arn, { arn, name, subscriptions: new Map() });
    return arn;
  }

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

  const actions = {
    CreateTopic: (p) => ({ TopicArn: createTopic(p.get('Name')) }),
    ListTopics: () => ({ Topics: [...topics.keys()].map((TopicArn) => ({ TopicArn })) }),
    Subscribe: (p) => {
      const attributes = {};
      for (let n = 1; p.has(`Attributes.entry.${n}.key`); n += 1) attributes[p.get(`Attributes.entry.${n}.key`)] = p.get(`Attributes.entry.${n}.value`);
      return { SubscriptionArn: subscribe(p.get('TopicArn'), p.get('Protocol'), p.get('Endpoint'), attributes) };
    },
    Unsubscribe: (p) => {
      for (const topic of topics.values()) topic.subscriptions.delete(p.get('SubscriptionArn'));
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
      const entries = [];
      for (let n = 1; p.has(`PublishBatchRequestEntries.member.${n}.Id`); n += 1) entries.push(n);
      if (entries.length === 0) throw new AwsError('EmptyBatchRequest', 'The batch request doesn\'t contain any entries.');
      if (entries.length > 10) throw new AwsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
      const Successful = [];
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
        } catch (error) {
          Failed.push({ Id, Code: error.code ?? 'InternalError', Message: error.message, SenderFault: error.fault !== 'Receiver' });
        }
      }
      return { Successful, Failed };
    },
  };

  return {
    /** Answers one query-protocol request; returns { status, body } with an XML body. */
    handle(formBody) {
      const params = new URLSearchParams(formBody);
      const action = params.get('Action');
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
    publishToArn: (arn, message, attributes = {}) => publish(topicOf(arn), { message, attributes }),
  };
}

module.exports = { createSns };
