'use strict';

// What SNS does with a notification for each subscription: a Lambda subscription is an
// asynchronous invocation with one record (retries and on-failure destination are Lambda's),
// an SQS subscription a message holding the JSON envelope (or the raw message).

const { snsEvent } = require('@yubl/lambda-events');

/** The record Lambda hands a function subscribed to the topic. */
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

function createSnsDelivery({ functionsByArn, invoker, sqs, log }) {
  return function deliver(subscription, notification) {
    if (subscription.protocol === 'sqs') {
      try {
        sqs.sendToArn(subscription.endpoint, subscription.raw ? notification.Message : sqsEnvelope(notification));
      } catch (error) {
        log(`SNS delivery to ${subscription.endpoint} failed: ${error.message}`);
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
