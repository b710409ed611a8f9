// @ts-check
'use strict';

// The events Lambda hands a function, in AWS's shapes, built in one place for both that build them:
// the local cloud (scripts/local-cloud: what its event sources deliver) and the test harness
// (libs/test-harness/src/events.ts: what in-process tests hand a handler).
// Why a library of its own, and plain JavaScript: the local cloud is a development tool run by
// plain Node (CommonJS, no TypeScript loader) and the harness already starts the local cloud, so
// neither may hold the builders without the other reaching into its internals (or a cycle:
// harness -> local cloud -> harness). Both depend on this one, which depends on nothing. JSDoc
// types (checked by tsc under ./build.sh lint) give the harness the aws-lambda types.
// Each builder takes every value the event carries; defaults for tests live in the harness.

const zlib = require('node:zlib');

/**
 * @typedef {object} KinesisRecordInput
 * @property {string} partitionKey
 * @property {string} sequenceNumber
 * @property {Uint8Array | string} data the record's bytes (a string is taken as UTF-8)
 * @property {number} approximateArrivalTimestamp seconds since the epoch, as Lambda gives it
 * @property {string} shardId
 * @property {string} streamArn
 * @property {string} region
 * @property {string} roleArn the mapping's execution role (invokeIdentityArn)
 */

/**
 * One record of a Kinesis batch as Lambda delivers it.
 * @param {KinesisRecordInput} record
 * @returns {import('aws-lambda').KinesisStreamRecord}
 */
function kinesisRecord({ partitionKey, sequenceNumber, data, approximateArrivalTimestamp, shardId, streamArn, region, roleArn }) {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: roleArn,
    awsRegion: region,
    eventSourceARN: streamArn,
  };
}

/**
 * A Kinesis batch as Lambda delivers it.
 * @param {KinesisRecordInput[]} records
 * @returns {import('aws-lambda').KinesisStreamEvent}
 */
const kinesisEvent = (records) => ({ Records: records.map(kinesisRecord) });

/**
 * @typedef {object} SnsNotificationInput
 * @property {string} subscriptionArn
 * @property {string} messageId
 * @property {string} topicArn
 * @property {string | null} [subject] null or absent when the publisher gave none
 * @property {string} message
 * @property {string} timestamp ISO 8601
 * @property {Record<string, { Type: string, Value: string }>} messageAttributes
 * @property {string} signature no signature is real off AWS: says who made it (LOCAL, TEST)
 * @property {string} signingCertUrl
 * @property {string} unsubscribeUrl
 */

/**
 * An SNS notification as Lambda delivers it: one record.
 * @param {SnsNotificationInput} notification
 * @returns {import('aws-lambda').SNSEvent}
 */
function snsEvent({ subscriptionArn, messageId, topicArn, subject, message, timestamp, messageAttributes, signature, signingCertUrl, unsubscribeUrl }) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          // SNS omits a subject that was not given; aws-lambda's type says string
          Subject: /** @type {string} */ (subject),
          Message: message,
          Timestamp: timestamp,
          SignatureVersion: '1',
          Signature: signature,
          SigningCertUrl: signingCertUrl,
          UnsubscribeUrl: unsubscribeUrl,
          MessageAttributes: messageAttributes,
        },
      },
    ],
  };
}

/**
 * What a CloudWatch Logs subscription filter sends a function: the payload gzipped and base64-encoded.
 * @param {import('aws-lambda').CloudWatchLogsDecodedData} payload
 * @returns {import('aws-lambda').CloudWatchLogsEvent}
 */
function awslogsEvent({ messageType, owner, logGroup, logStream, subscriptionFilters, logEvents }) {
  const json = JSON.stringify({ messageType, owner, logGroup, logStream, subscriptionFilters, logEvents });
  return { awslogs: { data: zlib.gzipSync(json).toString('base64') } };
}

/**
 * @template [Detail=unknown]
 * @typedef {object} EventBridgeInput
 * @property {string} id
 * @property {string} source
 * @property {string} detailType
 * @property {Detail} detail
 * @property {string} account
 * @property {string} region
 * @property {string[]} resources
 * @property {Date} time
 */

/**
 * An event on an EventBridge bus, as a rule's target receives it (`time` to the second, as AWS gives it).
 * @template Detail
 * @template {string} [DetailType=string]
 * @param {EventBridgeInput<Detail> & { detailType: DetailType }} event
 * @returns {import('aws-lambda').EventBridgeEvent<DetailType, Detail>}
 */
function eventBridgeEvent({ id, source, detailType, detail, account, region, resources, time }) {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source,
    account,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources,
    detail,
  };
}

/**
 * What a `schedule` rule sends its target.
 * @param {{ id: string, account: string, region: string, ruleArn: string, time: Date }} input
 * @returns {import('aws-lambda').ScheduledEvent}
 */
function scheduledEvent({ id, account, region, ruleArn, time }) {
  return eventBridgeEvent({ id, source: 'aws.events', detailType: 'Scheduled Event', detail: {}, account, region, resources: [ruleArn], time });
}

module.exports = { kinesisRecord, kinesisEvent, snsEvent, awslogsEvent, eventBridgeEvent, scheduledEvent };
