#!/usr/bin/env node
'use strict';

// The partner worker's on-failure queue (partner-create-failures-<stage>), for the migration runbook
// (../README.md): what waits there, and sending it back to the worker.
//   node services/partner/scripts/on-failure-queue.js list --stage S      each request that failed for good, oldest first; nothing taken out
//   node services/partner/scripts/on-failure-queue.js redrive --stage S   publishes each one's request to partner-account-requests again, then deletes it
// Each entry is Lambda's asynchronous invocation record: the SNS event the worker got, and why it
// failed. A redriven request is handled as any redelivery is (an account already created is left alone).
// Where: --stage local reads the running local cloud's endpoints.json (LOCAL_CLOUD_STATE_DIR, or .local);
// any other stage uses the AWS credentials of the environment (AWS_PROFILE; build.sh's profiles).

// The operator's machine may run an older Node than the functions: the SDK's warning about it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } = require('@aws-sdk/client-sqs');
const { PublishCommand, SNSClient } = require('@aws-sdk/client-sns');

const fail = (message) => {
  process.stderr.write(`on-failure-queue: ${message}\n`);
  process.exit(1);
};

const { values, positionals } = parseArgs({ allowPositionals: true, options: { stage: { type: 'string' } } });
const [command] = positionals;
const stage = values.stage ?? fail('--stage is required');
if (command !== 'list' && command !== 'redrive') fail(`unknown command '${command ?? ''}' (list, redrive)`);

function clients() {
  if (stage !== 'local') return { sqs: new SQSClient({}), sns: new SNSClient({}) };
  const file = path.join(process.env.LOCAL_CLOUD_STATE_DIR ?? path.resolve(__dirname, '../../../.local'), 'endpoints.json');
  if (!fs.existsSync(file)) fail('no local cloud is running: start it with ./build.sh deploy --stage local --detach');
  const cloud = JSON.parse(fs.readFileSync(file, 'utf8'));
  const local = (endpoint) => ({ region: cloud.region, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return { sqs: new SQSClient(local(cloud.endpoints.sqs)), sns: new SNSClient(local(cloud.endpoints.sns)) };
}

/** What an entry says: the request, the topic it came from, when and why it failed. */
function describe(message) {
  const record = JSON.parse(message.Body);
  const sns = record.requestPayload?.Records?.[0]?.Sns ?? {};
  return {
    failedAt: record.timestamp,
    reason: record.responsePayload?.errorMessage ?? record.requestContext?.condition,
    attempts: record.requestContext?.approximateInvokeCount,
    topicArn: sns.TopicArn,
    request: sns.Message,
    attributes: sns.MessageAttributes ?? {},
  };
}

async function main() {
  const { sqs, sns } = clients();
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `partner-create-failures-${stage}` }));
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  process.stdout.write(`partner-create-failures-${stage}: ${Attributes.ApproximateNumberOfMessages ?? '?'} waiting\n`);
  // Reading hides each entry for 30 s while it reads on (so it sees each once); list shows them
  // again at the end, redrive deletes what it sent.
  const seen = new Set();
  const listed = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0 }));
    const fresh = Messages.filter((m) => !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId);
      const entry = describe(message);
      process.stdout.write(`${JSON.stringify({ messageId: message.MessageId, failedAt: entry.failedAt, attempts: entry.attempts, reason: entry.reason, request: entry.request })}\n`);
      if (command !== 'redrive') {
        listed.push(message.ReceiptHandle);
        continue;
      }
      if (!entry.topicArn || entry.request === undefined) {
        process.stdout.write('  not redriven: no SNS request in this entry\n');
        continue;
      }
      // The correlation ids ride again as the message attributes they came with.
      const attributes = Object.fromEntries(Object.entries(entry.attributes).filter(([, a]) => a.Type === 'String').map(([name, a]) => [name, { DataType: 'String', StringValue: a.Value }]));
      await sns.send(new PublishCommand({ TopicArn: entry.topicArn, Message: entry.request, MessageAttributes: attributes }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      process.stdout.write('  redriven\n');
    }
  }
  for (const ReceiptHandle of listed) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 0 }));
}

main().catch((error) => fail(error.message));
