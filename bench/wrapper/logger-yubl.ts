// One log line through ours.
import { log } from '@yubl/logger';

export const write = (i: number) => log.info('posted', { yublId: `y-${i}` });
