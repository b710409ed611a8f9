import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter } from '../replay';
import { sdkClientOptions } from '@yubl/aws';

export function deadLetterQueue(queueUrl: string, client = new SQSClient(sdkClientOptions())) {
  return {
    send: async (body: string): Promise<void> => {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    /** up to 10 messages, hidden from other readers for `hiddenForSeconds` */
    receive: async (hiddenForSeconds: number): Promise<DeadLetter[]> => {
      const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: hiddenForSeconds, WaitTimeSeconds: 1 }));
      return Messages.map((message) => ({ receiptHandle: message.ReceiptHandle!, body: message.Body ?? '' }));
    },
    remove: async (receiptHandle: string): Promise<void> => {
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
    },
    count: async (): Promise<number> => {
      const { Attributes = {} } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    },
  };
}
