import { buildContext, runWithContext } from '@yubl/correlation';
import { createLogger } from '../../src';

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  const log = createLogger({ ...options, write: (line) => (raw.push(line), lines.push(JSON.parse(line))) });
  return { log, lines, raw };
}

const everyLevel = (log: ReturnType<typeof createLogger>) => {
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
};

describe('log levels', () => {
  afterEach(() => {
    delete process.env.LOG_LEVEL;
    delete process.env.LOG_MASK_KEYS;
  });

  it.each([
    ['debug', ['d', 'i', 'w', 'e']],
    ['info', ['i', 'w', 'e']],
    ['warn', ['w', 'e']],
    ['error', ['e']],
  ] as const)('at %s, lines of that level and above are written, each with its level', (level, written) => {
    const { log, lines } = capture({ level });
    everyLevel(log);
    expect(lines.map((line) => line.message)).toEqual(written);
    expect(lines.map((line) => line.level)).toEqual(written.map((m) => ({ d: 'debug', i: 'info', w: 'warn', e: 'error' })[m]));
  });

  it('come from LOG_LEVEL, whatever its case, unless the logger is given one', () => {
    process.env.LOG_LEVEL = 'WARN';
    const fromEnv = capture();
    everyLevel(fromEnv.log);
    expect(fromEnv.lines.map((line) => line.message)).toEqual(['w', 'e']);
    const given = capture({ level: 'error' });
    everyLevel(given.log);
    expect(given.lines.map((line) => line.message)).toEqual(['e']);
  });

  it('are info when LOG_LEVEL names no level', () => {
    for (const value of ['verbose', 'constructor', '']) {
      process.env.LOG_LEVEL = value;
      const { log, lines } = capture();
      everyLevel(log);
      expect(lines.map((line) => line.message)).toEqual(['i', 'w', 'e']);
    }
  });

  it('let a call chain sampled for debug log debug lines, and only debug lines below the level', () => {
    const { log, lines } = capture({ level: 'error' });
    const sampled = buildContext({ 'debug-log-enabled': 'true' }, 'c1', {}, { debugSampleRate: 0, maxCallChainLength: 10 });
    runWithContext(sampled, () => everyLevel(log));
    expect(lines.map((line) => line.message)).toEqual(['d', 'e']);
  });
});

describe('log lines', () => {
  it('mask the keys of LOG_MASK_KEYS unless the logger is given its own', () => {
    process.env.LOG_MASK_KEYS = 'ssn';
    try {
      const fromEnv = capture();
      fromEnv.log.info('m', { ssn: '1', iban: '2' });
      expect(fromEnv.lines[0]).toMatchObject({ ssn: '***', iban: '2' });
      const given = capture({ maskKeys: ['iban'] });
      given.log.info('m', { ssn: '1', iban: '2' });
      expect(given.lines[0]).toMatchObject({ ssn: '1', iban: '***' });
    } finally {
      delete process.env.LOG_MASK_KEYS;
    }
  });

  it('are one JSON object and a newline each, with no fields part for no fields', () => {
    const { log, raw } = capture();
    log.info('plain');
    log.info('empty', {});
    expect(raw.map((line) => line.replace(/"timestamp":"[^"]+"/, '"timestamp":"T"'))).toEqual([
      '{"level":"info","message":"plain","timestamp":"T"}\n',
      '{"level":"info","message":"empty","timestamp":"T"}\n',
    ]);
  });

  it('say so, rather than fail, when fields cannot be serialised', () => {
    const { log, lines } = capture();
    log.info('odd', { value: { toJSON: () => { throw new Error('no'); } } });
    expect(lines[0]).toMatchObject({ message: 'odd', fields: '[unserializable]' });
  });

  it('mask secrets in the message itself', () => {
    const { log, lines } = capture();
    log.info('sent Authorization: Bearer abc');
    expect(lines[0]!.message).toBe('sent Authorization: Bearer ***');
  });

  it('carry the context`s fields, worked out once per context', () => {
    const { log, lines } = capture();
    const context = buildContext({ 'x-correlation-id': 'c1' }, '', { awsRequestId: 'r1', functionName: 'f', functionVersion: '3' }, { debugSampleRate: 0, maxCallChainLength: 10 });
    runWithContext(context, () => log.info('one'));
    (context.ids as Record<string, string>)['x-correlation-id'] = 'changed';
    runWithContext(context, () => log.info('two'));
    expect(lines.map((line) => line['x-correlation-id'])).toEqual(['c1', 'c1']);
    expect(lines[1]).toMatchObject({ function: 'f', version: '3', awsRequestId: 'r1', 'call-chain-length': 1 });
    expect(lines[1]).not.toHaveProperty('debug-log-enabled');
  });
});
