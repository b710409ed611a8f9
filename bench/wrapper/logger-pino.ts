// One log line through pino, configured to write what ours writes, synchronously to stdout.
import pino from 'pino';

const logger = pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime, messageKey: 'message', formatters: { level: (label) => ({ level: label }) } }, pino.destination({ dest: 1, sync: true }));
export const write = (i: number) => logger.info({ yublId: `y-${i}` }, 'posted');
export const flush = () => logger.flush();
