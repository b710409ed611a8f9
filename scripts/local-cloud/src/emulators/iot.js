'use strict';

// The stand-in for IoT Core: aedes (an MQTT 3.1.1 broker made for Node) over WebSocket, behind the
// stage's custom authorizers, and the data plane's Publish, on one port of a process of its own
// (run-emulator.js iot), so that delivering to many connections gets a core of its own.
// - connect: the custom authorizer named in the request (`x-amz-customauthorizer-name` in the URL's
//   query or after `?` in the username, as IoT Core reads it) or else the only one the templates
//   declare (AWS::IoT::Authorizer, registered by resources.js) is invoked through the local Lambda
//   endpoint with IoT Core's event; `isAuthenticated: false`, an error, or a policy without
//   iot:Connect on `client/<clientId>` refuses the CONNACK (return code 5, not authorized);
// - the returned policy is kept for the connection: iot:Subscribe on `topicfilter/<filter>` for each
//   SUBSCRIBE (a refused filter gets 0x80 in the SUBACK), iot:Publish on `topic/<topic>` for each
//   PUBLISH (refused: the connection is closed, as IoT Core does), iot:Receive on `topic/<topic>`
//   before each delivery (refused: not delivered); `disconnectAfterInSeconds` ends the connection;
// - POST /topics/{topic}?qos=0|1 (the IoT data plane, SigV4 service `iotdata`;
//   AWS_ENDPOINT_URL_IOT_DATA_PLANE points here) publishes into the broker and answers once aedes
//   has taken the message;
// - POST /_local/authorizers {AuthorizerName, AuthorizerFunctionArn, Status} registers an
//   authorizer (the local cloud's resources.js, for each AWS::IoT::Authorizer);
//   GET /_local/stats: connected clients and this process's memory.
// Where it differs from IoT Core: scripts/local-cloud/README.md ("IoT Core").

const crypto = require('node:crypto');
const http = require('node:http');
const { InvokeCommand } = require('@aws-sdk/client-lambda');
const { WebSocketServer, createWebSocketStream } = require('ws');
const { isAllowed, statementsOf } = require('./iot-policy');
const { readRequestBody } = require('./request-body');

const NOT_AUTHORIZED = 5; // MQTT 3.1.1 CONNACK return code
const MAX_PAYLOAD_BYTES = 128 * 1024; // IoT Core's message size limit
const AUTHORIZER_QUERY = 'x-amz-customauthorizer-name';

/** An answer in the REST-JSON error shape the SDK reads (x-amzn-errortype and a message). */
class DataPlaneError extends Error {
  /** @param {number} status @param {string} type @param {string} message */
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

/** @param {string | string[]} header */
function areUserProperties(header) {
  try {
    const properties = JSON.parse(Buffer.from(String(header), 'base64').toString('utf8'));
    return Array.isArray(properties) && properties.every((p) => p !== null && typeof p === 'object' && Object.values(p).length === 1 && typeof Object.values(p)[0] === 'string');
  } catch {
    return false;
  }
}

/**
 * The broker and its data plane on one HTTP server (not yet listening).
 * @param {object} options
 * @param {string | undefined} options.region
 * @param {string | undefined} options.accountId
 * @param {import('@aws-sdk/client-lambda').LambdaClient} options.lambda invokes the authorizers
 * @param {(line: string) => void} [options.log]
 */
async function createIotServer({ region, accountId, lambda, log = (line) => console.log(line) }) {
  // aedes ships as an ES module; required here, once, when a cloud starts.
  const { Aedes } = require('aedes');
  const broker = await Aedes.createBroker({ drainTimeout: 10_000 });
  /** @type {Map<string, { functionArn: string, status: string }>} */
  const authorizers = new Map(); // name -> { functionArn, status }
  /** @type {WeakMap<import('aedes').Client, import('./iot-policy').Statement[]>} */
  const statementsByClient = new WeakMap();
  const arn = (/** @type {string} */ resource) => `arn:aws:iot:${region}:${accountId}:${resource}`;

  /** @param {import('aedes').Client} client @param {string | undefined} username */
  function authorizerFor(client, username) {
    const fromUrl = client.req?.url ? new URL(client.req.url, 'ws://broker').searchParams.get(AUTHORIZER_QUERY) : null;
    const fromUsername = username?.includes('?') ? new URLSearchParams(username.slice(username.indexOf('?') + 1)).get(AUTHORIZER_QUERY) : null;
    const name = fromUrl ?? fromUsername;
    if (name) return authorizers.get(name);
    return authorizers.size === 1 ? [...authorizers.values()][0] : undefined;
  }

  /**
   * @param {import('aedes').Client} client
   * @param {string | undefined} username
   * @param {Buffer | undefined} password
   * @returns {Promise<{ refusal: string, statements?: undefined, disconnectAfterSeconds?: undefined } | { refusal?: undefined, statements: import('./iot-policy').Statement[], disconnectAfterSeconds: any }>} (the seconds as the authorizer answered them)
   */
  async function authorize(client, username, password) {
    const authorizer = authorizerFor(client, username);
    if (!authorizer || authorizer.status !== 'ACTIVE') return { refusal: 'no active custom authorizer for this connection' };
    const event = {
      signatureVerified: false,
      protocols: ['tls', 'http', 'mqtt'],
      protocolData: { mqtt: { username, password: password?.toString('base64'), clientId: client.id } },
      connectionMetadata: { id: crypto.randomUUID() },
    };
    const answer = await lambda.send(new InvokeCommand({ FunctionName: authorizer.functionArn, Payload: JSON.stringify(event) }));
    if (answer.FunctionError) return { refusal: `the authorizer failed (${answer.FunctionError})` };
    const result = JSON.parse(Buffer.from(answer.Payload ?? []).toString('utf8') || '{}');
    if (result.isAuthenticated !== true) return { refusal: 'the authorizer said no' };
    const statements = statementsOf(result.policyDocuments ?? []);
    if (!isAllowed(statements, 'iot:Connect', arn(`client/${client.id}`))) return { refusal: `the policy does not allow iot:Connect for client ${client.id}` };
    return { statements, disconnectAfterSeconds: result.disconnectAfterInSeconds };
  }

  broker.authenticate = (client, username, password, done) => {
    authorize(client, username, password).then(
      ({ refusal, statements, disconnectAfterSeconds }) => {
        if (refusal) {
          log(`iot: connection of ${client.id} refused: ${refusal}`);
          return done(Object.assign(new Error(refusal), { returnCode: NOT_AUTHORIZED }), false);
        }
        statementsByClient.set(client, /** @type {import('./iot-policy').Statement[]} */ (statements)); // no refusal: a policy
        if (disconnectAfterSeconds > 0) {
          const timer = setTimeout(() => client.close(), disconnectAfterSeconds * 1000);
          timer.unref();
          client.conn?.once?.('close', () => clearTimeout(timer));
        }
        done(null, true);
      },
      (error) => {
        log(`iot: the authorizer could not be invoked for ${client.id}: ${error.message}`);
        done(Object.assign(error, { returnCode: NOT_AUTHORIZED }), false);
      },
    );
  };
  /** @type {(client: import('aedes').Client, action: string, resource: string) => boolean} */
  const allows = (client, action, resource) => {
    const statements = statementsByClient.get(client);
    return statements !== undefined && isAllowed(statements, action, arn(resource));
  };
  broker.authorizeSubscribe = (client, subscription, done) => done(null, allows(client, 'iot:Subscribe', `topicfilter/${subscription.topic}`) ? subscription : null);
  broker.authorizePublish = (client, packet, done) => {
    // No client: aedes publishing a will of its own; ours have been authorized as the client's.
    if (!client || allows(client, 'iot:Publish', `topic/${packet.topic}`)) return done(null);
    done(new Error(`iot:Publish on ${packet.topic} is not allowed for ${client.id}`));
  };
  broker.authorizeForward = (client, packet) => (allows(client, 'iot:Receive', `topic/${packet.topic}`) ? packet : null);

  /** @param {string} topic @param {Buffer} payload @param {0 | 1} qos @returns {Promise<void>} */
  function publish(topic, payload, qos) {
    return new Promise((resolve, reject) => broker.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, (error) => (error ? reject(error) : resolve())));
  }

  /**
   * The data plane's Publish: POST /topics/{topic}?qos=&retain= with the payload as the body.
   * @param {import('node:http').IncomingMessage} request
   * @param {Buffer} body
   */
  async function publishFromDataPlane(request, body) {
    const url = new URL(String(request.url), 'http://iot');
    const topic = decodeURIComponent(url.pathname.slice('/topics/'.length));
    const qos = Number(url.searchParams.get('qos') ?? 0);
    if (!topic || topic.startsWith('$') || /[+#]/.test(topic)) throw new DataPlaneError(400, 'InvalidRequestException', `Invalid topic name: ${topic}`);
    if (qos !== 0 && qos !== 1) throw new DataPlaneError(400, 'InvalidRequestException', 'qos must be 0 or 1');
    if (body.length > MAX_PAYLOAD_BYTES) throw new DataPlaneError(413, 'RequestEntityTooLargeException', `The payload is over ${MAX_PAYLOAD_BYTES} bytes`);
    // MQTT 5 user properties: checked as IoT Core checks them (base64 of a JSON array of one-pair
    // objects), then dropped, as aedes speaks MQTT 3.1.1 only.
    const userProperties = request.headers['x-amz-mqtt5-user-properties'];
    if (userProperties !== undefined && !areUserProperties(userProperties)) {
      throw new DataPlaneError(400, 'InvalidRequestException', 'x-amz-mqtt5-user-properties is not base64 of a JSON array of objects with one string value each');
    }
    await publish(topic, body, qos);
    return {};
  }

  /** @param {{ AuthorizerName: string, AuthorizerFunctionArn: string, Status?: string }} props an AWS::IoT::Authorizer's */
  function addAuthorizer({ AuthorizerName, AuthorizerFunctionArn, Status = 'ACTIVE' }) {
    authorizers.set(AuthorizerName, { functionArn: AuthorizerFunctionArn, status: Status });
    return { ref: AuthorizerName, attributes: { Arn: arn(`authorizer/${AuthorizerName}`) } };
  }

  /** @type {(response: import('node:http').ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => import('node:http').ServerResponse} */
  const sendJson = (response, status, body, headers = {}) => response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

  /** @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response */
  async function answer(request, response) {
    const { pathname } = new URL(String(request.url), 'http://iot');
    try {
      if (request.method === 'POST' && pathname.startsWith('/topics/')) {
        const result = await publishFromDataPlane(request, await readRequestBody(request, { raw: true }));
        return sendJson(response, 200, result);
      }
      if (request.method === 'POST' && pathname === '/_local/authorizers') return sendJson(response, 200, addAuthorizer(JSON.parse(await readRequestBody(request))));
      if (request.method === 'GET' && pathname === '/_local/stats') return sendJson(response, 200, { connectedClients: broker.connectedClients, memory: process.memoryUsage() });
      throw new DataPlaneError(404, 'ResourceNotFoundException', `This endpoint serves Publish (POST /topics/{topic}) and MQTT over WebSocket on /mqtt, not ${request.method} ${pathname}`);
    } catch (error) {
      if (!(error instanceof DataPlaneError)) log(`iot: ${request.method} ${pathname} failed: ${/** @type {Error} */ (error).stack}`);
      const known = error instanceof DataPlaneError ? error : new DataPlaneError(500, 'InternalFailureException', 'The emulator failed');
      if (!response.headersSent) sendJson(response, known.status, { message: known.message }, { 'x-amzn-errortype': known.type });
    }
  }

  const webSockets = new WebSocketServer({ noServer: true });
  webSockets.on('connection', (socket, request) => broker.handle(createWebSocketStream(socket), request));
  const server = http.createServer((request, response) => void answer(request, response));
  // MQTT over WebSocket on `/mqtt`, as IoT Core serves it; the gateway hands its /mqtt upgrades here.
  server.on('upgrade', (request, socket, head) => {
    if (new URL(String(request.url), 'ws://broker').pathname !== '/mqtt') return socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    webSockets.handleUpgrade(request, socket, head, (webSocket) => webSockets.emit('connection', webSocket, request));
  });
  server.on('close', () => {
    for (const socket of webSockets.clients) socket.terminate();
    broker.close();
  });
  return server;
}

module.exports = { createIotServer };
