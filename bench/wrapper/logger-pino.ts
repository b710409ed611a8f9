// One log line through pino, configured to write what ours writes.
import pino from 'pino';

const logger = pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime, messageKey: 'message', formatters: { level: (label) => ({ level: label }) } });
export const write = (i: number) => logger.info({ yublId: `y-${i}` }, 'posted');
