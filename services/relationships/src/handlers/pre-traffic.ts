import { invokeHandler, preTrafficHook } from '@yubl/lambda';

// CodeDeploy's pre-traffic hook for this project's API functions in staging and prod (scripts/serverless-release).
export const handler = invokeHandler(preTrafficHook());
