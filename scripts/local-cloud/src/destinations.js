'use strict';

// On-failure destinations by ARN: SQS queues and SNS topics, as AWS allows for Lambda.

function createDestinations({ sqs, sns }) {
  return {
    async send(arn, record) {
      const body = JSON.stringify(record);
      if (arn.startsWith('arn:aws:sqs:')) return sqs.sendToArn(arn, body);
      if (arn.startsWith('arn:aws:sns:')) return sns.publishToArn(arn, body);
      throw new Error(`on-failure destination ${arn} is neither an SQS queue nor an SNS topic`);
    },
  };
}

module.exports = { createDestinations };
