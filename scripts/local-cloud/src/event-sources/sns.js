'use strict';

// What SNS does with a notification for each subscription: a Lambda subscription is an
// asynchronous invocation with one record (retries and on-failure destination are Lambda's),
// an SQS subscription a message holding the JSON envelope (or the raw message).

function lambdaEvent(subscription, notification) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscription.arn,
        Sns: {
          Type: 'Notification',
          MessageId: notification.MessageId,
          TopicArn: notification.TopicArn,
          Subject: notification.Subject,
          Message: notification.Message,
          Timestamp: notification.Timestamp,
          SignatureVersion: '1',
          Signature: 'LOCAL',
          SigningCertUrl: 'https://sns.local/SimpleNotificationService.pem',
          UnsubscribeUrl: `https://sns.local/?Action=Unsubscribe&SubscriptionArn=${subscription.arn}`,
          MessageAttributes: notification.MessageAttributes,
        },
      },
    ],
  };
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
