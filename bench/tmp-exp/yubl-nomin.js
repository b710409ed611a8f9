"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// bench/wrapper/yubl.ts
var yubl_exports = {};
__export(yubl_exports, {
  handler: () => handler
});
module.exports = __toCommonJS(yubl_exports);

// libs/correlation/src/context.ts
var import_node_async_hooks = require("node:async_hooks");
var storage = new import_node_async_hooks.AsyncLocalStorage();
var currentContext = () => storage.getStore();
function runWithContext(context, fn, ...args) {
  return storage.run(context, fn, ...args);
}

// libs/correlation/src/settings.ts
var rate = (value, fallback) => {
  const parsed = Number(value);
  return value !== void 0 && value !== "" && Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : fallback;
};
var positiveInteger = (value, fallback) => {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
};
var settingsFromEnv = (env = process.env) => ({
  debugSampleRate: rate(env.DEBUG_LOG_SAMPLE_RATE, 0.01),
  maxCallChainLength: positiveInteger(env.MAX_CALL_CHAIN_LENGTH, 10)
});

// libs/correlation/src/capture/build.ts
var CORRELATION_ID = "x-correlation-id";
var DEBUG_LOG_ENABLED = "debug-log-enabled";
var CALL_CHAIN_LENGTH = "call-chain-length";
var PREFIX = "x-correlation-";
var USER_AGENT = "user-agent";
var MAX_VALUE_LENGTH = 256;
var MAX_IDS = 20;
var lambdaInfo = (context) => ({
  awsRequestId: typeof context?.awsRequestId === "string" ? context.awsRequestId : "",
  functionName: typeof context?.functionName === "string" ? context.functionName : process.env.AWS_LAMBDA_FUNCTION_NAME ?? "",
  functionVersion: typeof context?.functionVersion === "string" ? context.functionVersion : process.env.AWS_LAMBDA_FUNCTION_VERSION ?? ""
});
function buildContext(carried, fallbackId, context, settings) {
  const ids = {};
  let debug;
  let chain = 0;
  let count2 = 0;
  if (carried !== null && typeof carried === "object") {
    for (const name in carried) {
      const value = carried[name];
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") continue;
      const key = name.toLowerCase();
      if (key.startsWith(PREFIX) || key === USER_AGENT) {
        if (count2 < MAX_IDS) {
          ids[key] = String(value).slice(0, MAX_VALUE_LENGTH);
          count2 += 1;
        }
      } else if (key === DEBUG_LOG_ENABLED) {
        debug = String(value) === "true";
      } else if (key === CALL_CHAIN_LENGTH) {
        const parsed = Number.parseInt(String(value), 10);
        if (parsed > 0) chain = parsed;
      }
    }
  }
  if (!ids[CORRELATION_ID]) ids[CORRELATION_ID] = fallbackId || lambdaInfo(context).awsRequestId || randomId();
  return {
    ids,
    // Sampled once at the first hop; every later hop honours what it was told.
    debugEnabled: debug ?? Math.random() < settings.debugSampleRate,
    callChainLength: chain || 1,
    ...lambdaInfo(context),
    memo: {}
  };
}
function randomId() {
  return globalThis.crypto.randomUUID();
}

// libs/correlation/src/capture/api-gateway.ts
function fromApiGateway(event, context, settings) {
  const requestId = event?.requestContext?.requestId;
  return buildContext(event?.headers, typeof requestId === "string" ? requestId : "", context, settings);
}

// libs/logger/src/clock.ts
var lastMs = 0;
var lastText = "";
function isoNow() {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastText = new Date(now).toISOString();
  }
  return lastText;
}

// libs/logger/src/mask.ts
var MASKED = "***";
var DEFAULT_KEYS = ["password", "passwd", "secret", "token", "authorization", "apikey", "api-key", "api_key", "cookie", "credential", "privatekey", "private_key", "plaintext"];
var SECRET_IN_TEXT = /((?:Bearer\s+)|(?:password|passwd|secret|token|api[_-]?key)\s*[=:]\s*)[^\s"',;&]+|eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/gi;
var HAS_SECRET_IN_TEXT = new RegExp(SECRET_IN_TEXT.source, "i");
var escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function sensitiveKeyMatcher(extraKeys = (process.env.LOG_MASK_KEYS ?? "").split(",")) {
  const words = [...DEFAULT_KEYS, ...extraKeys.map((k) => k.trim()).filter(Boolean)].map(escape);
  const pattern = new RegExp(words.join("|"), "i");
  const known = /* @__PURE__ */ new Map();
  return (key) => {
    let answer = known.get(key);
    if (answer === void 0) {
      answer = pattern.test(key);
      if (known.size < 1e3) known.set(key, answer);
    }
    return answer;
  };
}
function maskText(text) {
  return HAS_SECRET_IN_TEXT.test(text) ? text.replace(SECRET_IN_TEXT, (_match, lead) => `${lead ?? ""}${MASKED}`) : text;
}
function mask(value, isSensitive, seen, depth = 0) {
  if (typeof value === "string") return maskText(value);
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? String(value) : value;
  if (depth > 8) return "[\u2026]";
  if (depth > 0) {
    seen ??= /* @__PURE__ */ new WeakSet();
    if (seen.has(value)) return "[\u2026]";
    seen.add(value);
  }
  if (value instanceof Error) {
    return { name: value.name, message: maskText(value.message), stack: value.stack ? maskText(value.stack) : void 0 };
  }
  if (Array.isArray(value)) return value.map((item) => mask(item, isSensitive, seen, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const result = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    result[key] = isSensitive(key) ? MASKED : mask(value[key], isSensitive, seen, depth + 1);
  }
  return result;
}

// libs/logger/src/output.ts
var import_node_fs = require("node:fs");
var redirected;
function toStdout(line) {
  if (process.stdout.writableLength === 0) {
    try {
      const written = (0, import_node_fs.writeSync)(1, line);
      if (written === Buffer.byteLength(line)) return;
      process.stdout.write(Buffer.from(line).subarray(written));
      return;
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
    }
  }
  process.stdout.write(line);
}
function writeLine(line) {
  if (redirected) redirected(line);
  else toStdout(line);
}

// libs/logger/src/logger.ts
var RANK = { debug: 10, info: 20, warn: 30, error: 40 };
var MEMO_KEY = "logger.fields";
function contextFields(context) {
  if (!context) return "";
  const memo = context.memo;
  let fields = memo[MEMO_KEY];
  if (fields === void 0) {
    const values = {
      function: context.functionName,
      version: context.functionVersion,
      awsRequestId: context.awsRequestId,
      ...context.ids,
      "call-chain-length": context.callChainLength
    };
    if (context.debugEnabled) values["debug-log-enabled"] = true;
    fields = `,${JSON.stringify(values).slice(1, -1)}`;
    memo[MEMO_KEY] = fields;
  }
  return fields;
}
function createLogger({ level, maskKeys, write = writeLine } = {}) {
  const envLevel = process.env.LOG_LEVEL?.toLowerCase();
  const threshold = RANK[level ?? (envLevel && envLevel in RANK ? envLevel : "info")];
  const isSensitive = sensitiveKeyMatcher(maskKeys ?? (process.env.LOG_MASK_KEYS ?? "").split(","));
  const emit = (lvl, message, fields) => {
    const context = currentContext();
    if (RANK[lvl] < threshold && !(context?.debugEnabled && lvl === "debug")) return;
    let extra = "";
    if (fields !== void 0) {
      const safe = mask(fields instanceof Error ? { error: fields } : fields, isSensitive);
      try {
        const json = JSON.stringify(safe);
        if (json.length > 2) extra = `,${json.slice(1, -1)}`;
      } catch {
        extra = ',"fields":"[unserializable]"';
      }
    }
    write(`{"level":"${lvl}","message":${JSON.stringify(maskText(String(message)))},"timestamp":"${isoNow()}"${contextFields(context)}${extra}}
`);
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields)
  };
}

// libs/logger/src/index.ts
var log = /* @__PURE__ */ createLogger();

// libs/lambda/src/timeout-warning.ts
function createTimeoutWatch(marginMs) {
  let timer;
  let delay = -1;
  let watched;
  const fire = () => {
    const current = watched;
    if (!current) return;
    runWithContext(current.correlation, () => log.warn("the function is about to time out", { remainingMs: marginMs, ...current.summary() }));
  };
  return {
    start(context, correlation, summary2) {
      const remaining = typeof context.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : 0;
      if (remaining <= marginMs) return;
      watched = { correlation, summary: summary2 };
      const wanted = remaining - marginMs;
      if (timer && Math.abs(wanted - delay) <= 5) {
        timer.refresh();
      } else {
        if (timer) clearTimeout(timer);
        delay = wanted;
        timer = setTimeout(fire, wanted);
        timer.unref();
      }
    },
    stop() {
      watched = void 0;
    }
  };
}

// libs/lambda/src/warmup.ts
var isWarmup = (event) => event !== null && typeof event === "object" && event.source === "serverless-plugin-warmup";
var WARMED = "warmed";

// libs/lambda/src/entry.ts
function lambdaEntry(core, capture, summary2, { timeoutWarningMs = 500 } = {}) {
  const settings = settingsFromEnv();
  const watch = createTimeoutWatch(timeoutWarningMs);
  function run(correlation, event, context) {
    watch.start(context, correlation, () => summary2(event));
    let pending;
    try {
      pending = core(event, context);
    } catch (error) {
      watch.stop();
      return Promise.reject(error);
    }
    pending.then(watch.stop, watch.stop);
    return pending;
  }
  return (event, context) => {
    if (isWarmup(event)) return Promise.resolve(WARMED);
    context.callbackWaitsForEmptyEventLoop = false;
    const correlation = capture(event, context, settings);
    return runWithContext(correlation, run, correlation, event, context);
  };
}

// libs/errors/src/index.ts
var HttpError = class extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.name = code;
  }
  status;
  code;
  details;
};
var ValidationError = class extends HttpError {
  constructor(message, details) {
    super(400, "ValidationError", message, details);
  }
};
var PayloadTooLargeError = class extends HttpError {
  constructor(message) {
    super(413, "PayloadTooLarge", message);
  }
};
var UnsupportedMediaTypeError = class extends HttpError {
  constructor(message) {
    super(415, "UnsupportedMediaType", message);
  }
};

// libs/lambda/src/http/json-body.ts
var JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
function contentType(headers) {
  if (!headers) return void 0;
  for (const name in headers) if (name.length === 12 && name.toLowerCase() === "content-type") return headers[name];
  return void 0;
}
function parseJsonBody(event, maxBytes) {
  const raw = event.body;
  if (raw === void 0 || raw === null || raw === "") return void 0;
  const text = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes) throw new PayloadTooLargeError(`The body is over ${maxBytes} bytes`);
  const type = contentType(event.headers);
  if (!type || !JSON_TYPE.test(type)) throw new UnsupportedMediaTypeError("The body must be JSON, sent as content-type: application/json");
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("The body is not valid JSON");
  }
}

// libs/lambda/src/http/responses.ts
var errorBody = (code, message, details) => JSON.stringify({ error: details ? { code, message, details } : { code, message } });
function toGatewayResponse(result) {
  const response = result ?? { statusCode: 204 };
  const headers = response.headers ? { ...response.headers } : {};
  const id = currentContext()?.ids[CORRELATION_ID];
  if (id) headers[CORRELATION_ID] = id;
  let body = response.body;
  if (body !== void 0 && typeof body !== "string") {
    body = JSON.stringify(body);
    if (!headers["content-type"]) headers["content-type"] = "application/json";
  }
  const gateway = { statusCode: response.statusCode ?? 200, headers };
  if (body !== void 0) gateway.body = body;
  if (response.isBase64Encoded) gateway.isBase64Encoded = true;
  return gateway;
}
function errorResponse(error) {
  if (error instanceof HttpError) {
    if (error.status >= 500) log.error("request failed", error);
    else log.info("request refused", { status: error.status, code: error.code, reason: error.message });
    return toGatewayResponse({ statusCode: error.status, headers: { "content-type": "application/json" }, body: errorBody(error.code, error.message, error.details) });
  }
  log.error("request failed with an unexpected error", error instanceof Error ? error : { error: String(error) });
  const id = currentContext()?.ids[CORRELATION_ID];
  return toGatewayResponse({
    statusCode: 500,
    headers: { "content-type": "application/json" },
    body: errorBody("InternalError", `Something went wrong on our side${id ? `; quote ${id} when you report it` : ""}`)
  });
}

// libs/lambda/src/http/validation.ts
var pathOf = (path) => ["body", ...(path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment))].join(".");
async function validateBody(schema, body) {
  let result = schema["~standard"].validate(body);
  if (result instanceof Promise) result = await result;
  if (result.issues) {
    throw new ValidationError(
      body === void 0 ? "A JSON body is required" : "The body is not valid",
      result.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }))
    );
  }
  return result.value;
}

// libs/lambda/src/http/handler.ts
function lowercase(headers) {
  const result = {};
  if (headers) {
    for (const name in headers) if (headers[name] !== void 0) result[name.toLowerCase()] = headers[name];
  }
  return result;
}
function toHttpRequest(event, body) {
  const v1 = event;
  const v2 = event;
  const authorizer = v1.requestContext?.authorizer;
  return {
    method: v1.httpMethod ?? v2.requestContext?.http?.method,
    path: v1.path ?? v2.rawPath,
    pathParameters: event.pathParameters ?? {},
    query: event.queryStringParameters ?? {},
    headers: lowercase(event.headers),
    body,
    principalId: authorizer?.principalId ?? authorizer?.lambda?.principalId
  };
}
var summary = (event) => {
  const v1 = event;
  const v2 = event;
  return { method: v1.httpMethod ?? v2.requestContext?.http?.method, path: v1.path ?? v2.rawPath };
};
function respond(core) {
  return (event, context) => {
    let pending;
    try {
      pending = core(event, context);
    } catch (error) {
      return Promise.resolve(errorResponse(error));
    }
    return pending.then(toGatewayResponse, errorResponse);
  };
}
function httpHandler(handler2, options = {}) {
  const { body: schema, maxBodyBytes = 64 * 1024, chain } = options;
  let core = (event) => {
    const body = parseJsonBody(event, maxBodyBytes);
    if (!schema) return handler2(toHttpRequest(event, body));
    return validateBody(schema, body).then((valid) => handler2(toHttpRequest(event, valid)));
  };
  if (chain) core = chain(core);
  return lambdaEntry(respond(core), fromApiGateway, summary, options);
}

// libs/lambda/src/http/types.ts
var created = (body) => ({ statusCode: 201, body });

// libs/metrics/src/index.ts
var TYPES = /* @__PURE__ */ new Set(["count", "gauge", "histogram"]);
var SEPARATORS = /[|,=\s]/;
var clean = (text) => SEPARATORS.test(text) ? text.replace(/[|,=\s]+/g, "_") : text;
function tagText(tags, leading) {
  let text = leading;
  if (tags) {
    for (const key in tags) text += `${text === "" ? "" : ","}${clean(key)}=${clean(String(tags[key]))}`;
  }
  return text;
}
function formatMetric(name, value, type, tags, now = Date.now(), leadingTags = "") {
  if (!Number.isFinite(value)) throw new TypeError(`metric ${name}: value must be a finite number, got ${value}`);
  if (!TYPES.has(type)) throw new TypeError(`metric ${name}: type must be count, gauge or histogram`);
  return `MONITORING|${Math.floor(now / 1e3)}|${value}|${type}|${clean(name)}|${tagText(tags, leadingTags)}`;
}
function metric(name, value, type = "count", tags) {
  const functionName = currentContext()?.functionName;
  writeLine(`${formatMetric(name, value, type, tags, Date.now(), functionName ? `function=${clean(functionName)}` : "")}
`);
}
var count = (name, value = 1, tags) => metric(name, value, "count", tags);

// bench/wrapper/handler-logic.ts
var post = (text) => ({ id: "y-1", text });

// bench/wrapper/yubl.ts
var handler = httpHandler(async (request) => {
  const yubl = post(request.body.text);
  log.info("posted", { yublId: yubl.id });
  count("yubls.posted");
  return created(yubl);
});
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler
});
