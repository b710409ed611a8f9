import { invokeHandler } from '@yubl/lambda';
import { log } from '@yubl/logger';
import { lambdaJanitorPorts } from '../adapters/lambda';
import { pruneStage } from '../janitor';
import { janitorSettings } from '../settings';

const settings = janitorSettings(process.env);
const ports = lambdaJanitorPorts(settings.stage);

export const handler = invokeHandler(async () => {
  const reports = await pruneStage(ports, { keepNewest: settings.keepNewest, dryRun: false });
  // One line for a function Lambda refused versions of, one for the run.
  for (const report of reports) if (report.refused.length > 0) log.warn('versions not deleted', { functionName: report.functionName, refused: report.refused });
  const removed = reports.reduce((sum, report) => sum + report.removed.length, 0);
  log.info('old versions deleted', { functions: reports.length, removed });
  return { functions: reports.length, removed };
});
