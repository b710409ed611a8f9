import { CALL_CHAIN_LENGTH, CORRELATION_ID, DEBUG_LOG_ENABLED } from '../capture/build';
import { CONTEXT_FIELD } from '../context-field';
import { MessageAttributesFullError } from './message-attributes-full-error';
import { outgoingContext } from './outgoing';

// Structural types: this file must not import the AWS SDK, so a function pays for the SDK
// clients it uses and nothing more.
interface MiddlewareStack {
  add(middleware: (next: Handler, context: { clientName?: string; commandName?: string }) => Handler, options: { step: 'initialize'; name: string; override?: boolean }): void;
}
type Handler = (args: { input: Record<string, unknown> }) => Promise<unknown>;
interface SdkClient {
  middlewareStack: MiddlewareStack;
}

const MAX_SNS_ATTRIBUTES = 10; // SNS refuses a message with more
// What must ride when not everything fits: the id that finds the story and the loop guard's count,
// then the debug decision; the other x-correlation-* ids take what room is left.
const FIRST = [CORRELATION_ID, CALL_CHAIN_LENGTH, DEBUG_LOG_ENABLED];

/** Adds `__context__` to a JSON object payload; leaves anything else as it is. */
function withContext(payload: unknown, carried: Record<string, string>): unknown {
  const text = typeof payload === 'string' ? payload : payload instanceof Uint8Array ? Buffer.from(payload).toString('utf8') : undefined;
  if (text === undefined || text[0] !== '{') return payload;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    body[CONTEXT_FIELD] = carried;
    const json = JSON.stringify(body);
    return typeof payload === 'string' ? json : Buffer.from(json);
  } catch {
    return payload;
  }
}

/**
 * The message's own attributes (their names win), then the carried ids in the order of FIRST and
 * then the rest, up to SNS's 10: only other ids are dropped. Throws MessageAttributesFullError when
 * the message's own leave no room for x-correlation-id and call-chain-length.
 */
export function withAttributes(attributes: unknown, carried: Record<string, string>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...(attributes as Record<string, unknown> | undefined) };
  const own = Object.keys(result).length;
  let count = own;
  const names = [...FIRST.filter((name) => name in carried), ...Object.keys(carried).filter((name) => !FIRST.includes(name))];
  for (const name of names) {
    if (name in result) continue;
    if (count >= MAX_SNS_ATTRIBUTES) {
      if (name === CORRELATION_ID || name === CALL_CHAIN_LENGTH) throw new MessageAttributesFullError(own, MAX_SNS_ATTRIBUTES);
      break;
    }
    result[name] = { DataType: 'String', StringValue: carried[name] };
    count += 1;
  }
  return result;
}

/** MQTT 5 user properties as the IoT data plane takes them: a JSON array of one-pair objects. */
function withUserProperties(userProperties: unknown, carried: Record<string, string>): string {
  const existing = typeof userProperties === 'string' && userProperties ? (JSON.parse(userProperties) as Record<string, string>[]) : [];
  return JSON.stringify([...existing, ...Object.entries(carried).map(([name, value]) => ({ [name]: value }))]);
}

/** Rewrites a command's input so that the ids ride with it, as docs/api.md says for each channel. */
const carriers: Record<string, (input: Record<string, unknown>, carried: Record<string, string>) => Record<string, unknown>> = {
  PutRecordCommand: (input, carried) => ({ ...input, Data: withContext(input.Data, carried) }),
  PutRecordsCommand: (input, carried) => ({
    ...input,
    Records: (input.Records as Record<string, unknown>[] | undefined)?.map((record) => ({ ...record, Data: withContext(record.Data, carried) })),
  }),
  PublishCommand: (input, carried) => ({ ...input, MessageAttributes: withAttributes(input.MessageAttributes, carried) }),
  PublishBatchCommand: (input, carried) => ({
    ...input,
    PublishBatchRequestEntries: (input.PublishBatchRequestEntries as Record<string, unknown>[] | undefined)?.map((entry) => ({
      ...entry,
      MessageAttributes: withAttributes(entry.MessageAttributes, carried),
    })),
  }),
  InvokeCommand: (input, carried) => ({ ...input, Payload: withContext(input.Payload ?? '{}', carried) }),
  // IoT's Publish shares SNS's command name: told apart by client. The payload's `__context__` reaches
  // every app; user properties reach the MQTT 5 ones.
  'IoTDataPlaneClient.PublishCommand': (input, carried) => ({
    ...input,
    payload: withContext(input.payload, carried),
    userProperties: withUserProperties(input.userProperties, carried),
  }),
};

/**
 * Makes an SDK v3 client carry the current call chain's ids: Kinesis PutRecord(s) in the record's
 * JSON `__context__`, SNS Publish(Batch) as String message attributes, Lambda Invoke in the
 * payload's `__context__`, IoT data plane Publish in the payload's `__context__` and MQTT 5 user
 * properties. Callers keep using the client as usual. Returns the client.
 */
export function forwardCorrelation<C extends SdkClient>(client: C): C {
  client.middlewareStack.add(
    (next, { clientName, commandName }) => {
      const carry = commandName ? (carriers[`${clientName}.${commandName}`] ?? carriers[commandName]) : undefined;
      if (!carry) return next;
      return (args) => {
        const carried = outgoingContext();
        return next(Object.keys(carried).length === 0 ? args : { ...args, input: carry(args.input, carried) });
      };
    },
    { step: 'initialize', name: 'yublForwardCorrelation', override: true },
  );
  return client;
}
