import { createLogger, mask, maskText, sensitiveKeyMatcher } from '../../libs/logger/src';
import { isoNow } from '../../libs/logger/src/clock';
const N = 300000;
const isS = sensitiveKeyMatcher([]);
const nullLog = createLogger({ write: () => {} });
const realLog = createLogger();
const parts: Record<string, (i: number) => unknown> = {
  maskText: () => maskText('posted'),
  mask: (i) => mask({ yublId: 'y-' + i }, isS),
  stringify: (i) => JSON.stringify({ yublId: 'y-' + i }),
  iso: () => isoNow(),
  nullLog: (i) => nullLog.info('posted', { yublId: 'y-' + i }),
  realLog: (i) => realLog.info('posted', { yublId: 'y-' + i }),
  consoleLog: (i) => console.log(JSON.stringify({ level: 'info', message: 'posted', yublId: 'y-' + i, time: new Date().toISOString() })),
};
for (const [name, f] of Object.entries(parts)) {
  for (let i = 0; i < 20000; i++) f(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f(i);
  process.stderr.write(`${name}: ${(Number(process.hrtime.bigint() - t) / 1000 / N).toFixed(3)} us\n`);
}
