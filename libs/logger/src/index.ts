import { createLogger } from './logger';

export { createLogger, type Logger, type LoggerOptions, type Level } from './logger';
export { mask, maskText, sensitiveKeyMatcher, MASKED } from './mask';
export { writeLine, redirectOutput } from './output';

/** The logger every function uses: lines carry the current invocation's (or record's) ids. */
export const log = /* @__PURE__ */ createLogger();
