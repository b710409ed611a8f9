'use strict';

// Which function a non-API event is for (POST /lambda-proxy-non-api-events): the one named with
// ?function= (its key in serverless.yml or its deployed name), else the one whose event source
// the event comes from — a Kinesis record's eventSourceARN, an SNS record's TopicArn, a scheduled
// event's schedule. Anything else (a direct invocation) must be named.

/** Why a body is refused (a 400): not `{"event": {...}}`, or no function of this service takes it. */
class NotAnEventError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NotAnEventError';
  }
}

/** The event-source ARNs each function is subscribed to: literal ARNs from its events, plus `known` (the local cloud's, rendered). */
function eventSourcesOf(functions, known = {}) {
  const sources = [];
  for (const fn of functions.values()) {
    for (const arn of known[fn.key] ?? []) sources.push({ fn, arn });
    for (const event of fn.events) {
      const stream = event.stream && (typeof event.stream === 'string' ? { arn: event.stream } : event.stream);
      if (stream && typeof stream.arn === 'string') sources.push({ fn, arn: stream.arn });
      if (event.sns) {
        const sns = typeof event.sns === 'string' ? (event.sns.startsWith('arn:') ? { arn: event.sns } : { topicName: event.sns }) : event.sns;
        if (typeof sns.arn === 'string') sources.push({ fn, arn: sns.arn });
        if (sns.topicName) sources.push({ fn, topicName: sns.topicName });
      }
      if (event.schedule) sources.push({ fn, schedule: true });
    }
  }
  return sources;
}

/** The event out of a request body, or NotAnEventError. */
function eventOf(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new NotAnEventError('the body is not JSON: send {"event": {...}}');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('event' in body)) throw new NotAnEventError('the body has no "event": send {"event": {...}}');
  if (body.event === null || typeof body.event !== 'object' || Array.isArray(body.event)) throw new NotAnEventError('"event" must be an object');
  return body.event;
}

function pick(matches, what) {
  const unique = [...new Set(matches.map((source) => source.fn))];
  if (unique.length === 1) return unique[0];
  if (unique.length === 0) throw new NotAnEventError(`no function of this service takes events from ${what}; name one with ?function=`);
  throw new NotAnEventError(`${unique.map((fn) => fn.key).join(' and ')} all take events from ${what}; name one with ?function=`);
}

/** The function `event` is for. */
function functionFor(event, { functions, sources, named }) {
  if (named) {
    const fn = functions.get(named) ?? [...functions.values()].find((candidate) => candidate.name === named);
    if (!fn) throw new NotAnEventError(`no function ${named} in this service (${[...functions.keys()].join(', ')})`);
    return fn;
  }
  const record = Array.isArray(event.Records) ? event.Records[0] : undefined;
  if (record?.eventSource === 'aws:kinesis' && typeof record.eventSourceARN === 'string') {
    return pick(sources.filter((s) => s.arn === record.eventSourceARN), record.eventSourceARN);
  }
  if (record?.EventSource === 'aws:sns' && typeof record.Sns?.TopicArn === 'string') {
    const topicArn = record.Sns.TopicArn;
    return pick(sources.filter((s) => s.arn === topicArn || (s.topicName && topicArn.split(':').pop() === s.topicName)), topicArn);
  }
  if (event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event') {
    return pick(sources.filter((s) => s.schedule), 'a schedule');
  }
  throw new NotAnEventError('not a Kinesis, SNS or scheduled event: a direct invocation names its function with ?function=');
}

module.exports = { eventSourcesOf, eventOf, functionFor, NotAnEventError };
