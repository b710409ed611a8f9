'use strict';

// Every port of one local cloud derives from one base, so a test cloud can run beside a dev cloud.
// The gateway is the base itself (3000 by default, as docs/api.md promises).
function portsFor(base = 3000) {
  return {
    gateway: base,
    kinesis: base + 100,
    dynamodb: base + 101,
    aws: base + 102, // KMS, SNS and SQS share one endpoint, told apart by protocol
    lambda: base + 103, // Lambda Invoke for every service's functions
    opensearch: base + 104, // the stand-in for the stage's OpenSearch domain (a REST API, not an AWS protocol)
    partner: base + 105, // the stand-in for the streaming partner's API (an external service)
    iot: base + 106, // IoT Core: the MQTT broker (WebSocket on /mqtt; the gateway's /mqtt leads here) and the data plane's Publish
    service: (/** @type {number} */ index) => ({
      http: base + 200 + index * 10,
      lambda: base + 201 + index * 10,
      websocket: base + 202 + index * 10,
    }),
  };
}

module.exports = { portsFor };
