'use strict';

// A cold start, as far as a process can show one: load the bundle and answer one invocation.
const { handler } = require(process.argv[2]);

handler(
  { httpMethod: 'POST', path: '/yubls', headers: { 'content-type': 'application/json' }, body: '{"text":"cold"}', requestContext: { requestId: 'cold' } },
  { awsRequestId: 'cold', functionName: 'bench', functionVersion: '$LATEST', getRemainingTimeInMillis: () => 6000, callbackWaitsForEmptyEventLoop: true },
).then(() => process.exit(0));
