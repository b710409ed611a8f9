// @ts-check
'use strict';

// What SNS does with a notification for each subscription: a Lambda subscription is an
// asynchronous invocation with one record (retries and on-failure destination are Lambda's),
// an SQS subscription a message holding the JSON envelope (or the raw message).

const { snsEvent } = require('@yubl/lambda-events');
const { messageOf } = require('../lambda-invoker');

/**
 * A subscription as the SNS emulator (../emulators/sns.js) keeps it.
 * @typedef {{ arn: string, topicArn: string, protocol: 'lambda' | 'sqs', endpoint: string, raw: boolean }} Subscription
 */

/**
 * A published message, as the SNS emulator hands it to every subscription.
 * @typedef {object} Notification
 * @property {string} MessageId
 * @property {string} TopicArn
 * @property {string | null} [Subject] null when the publisher gave none
 * @property {string} Message
 * @property {string} Timestamp
 * @property {Record<string, { Type: string, Value: string }>} MessageAttributes
 */

/**
 * The record Lambda hands a function subscribed to the topic.
 * @param {Subscription} subscription
 * @param {Notification} notification
 */
function lambdaEvent(subscription, notification) {
  return snsEvent({
    subscriptionArn: subscription.arn,
    messageId: notification.MessageId,
    topicArn: notification.TopicArn,
    subject: notification.Subject,
    message: notification.Message,
    timestamp: notification.Timestamp,
    messageAttributes: notification.MessageAttributes,
    signature: 'LOCAL',
    signingCertUrl: 'https://sns.local/SimpleNotificationService.pem',
    unsubscribeUrl: `https://sns.local/?Action=Unsubscribe&SubscriptionArn=${subscription.arn}`,
  });
}

/**
 * The JSON an SQS subscription receives (without RawMessageDelivery).
 * @param {Notification} notification
 */
function sqsEnvelope(notification) {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: notification.MessageId,
    TopicArn: notification.TopicArn,
    ...(notification.Subject ? { Subject: notification.Subject } : {}),
    Message: notification.Message,
    Timestamp: notification.Timestamp,
    SignatureVersion: '1',
    Signature: 'LOCAL',
    MessageAttributes: notification.MessageAttributes,
  });
}

/**
 * @param {object} options
 * @param {Map<string, import('../lambda-invoker').LocalFunction>} options.functionsByArn
 * @param {Pick<import('../lambda-invoker').LambdaInvoker, 'invokeAsync'>} options.invoker
 * @param {{ sendToArn(arn: string, body: string): unknown }} options.sqs
 * @param {(line: string) => void} options.log
 * @returns {(subscription: Subscription, notification: Notification) => void}
 */
function createSnsDelivery({ functionsByArn, invoker, sqs, log }) {
  return function deliver(subscription, notification) {
    if (subscription.protocol === 'sqs') {
      try {
        sqs.sendToArn(subscription.endpoint, subscription.raw ? notification.Message : sqsEnvelope(notification));
      } catch (error) {
        log(`SNS delivery to ${subscription.endpoint} failed: ${messageOf(error)}`);
      }
      return;
    }
    const fn = functionsByArn.get(subscription.endpoint);
    if (!fn) {
      log(`SNS delivery: no local function ${subscription.endpoint}`);
      return;
    }
    invoker.invokeAsync(fn, lambdaEvent(subscription, notification));
  };
}

module.exports = { createSnsDelivery };
