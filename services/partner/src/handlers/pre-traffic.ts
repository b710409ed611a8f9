import { invokeHandler } from '@yubl/lambda';
// Its own entry point, not the index: the CodeDeploy and Lambda clients stay out of every other bundle.
import { preTrafficHook } from '@yubl/lambda/src/pre-traffic-hook';

// CodeDeploy's pre-traffic hook for this project's API functions in staging and prod (scripts/serverless-release).
export const handler = invokeHandler(preTrafficHook());
