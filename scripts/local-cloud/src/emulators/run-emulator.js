'use strict';

// Runs kinesalite, dynalite or the IoT Core stand-in in memory on a loopback port, in a process of
// its own so that it gets a core of its own under load; dynalite with TransactWriteItems and
// TransactGetItems in front (dynamodb-transactions.js); the IoT broker (iot.js) invoking
// authorizers through the Lambda endpoint in LOCAL_CLOUD_LAMBDA_ENDPOINT, in LOCAL_CLOUD_REGION and
// LOCAL_CLOUD_ACCOUNT_ID. Usage: node run-emulator.js kinesis|dynamodb|iot PORT

const [kind, port] = process.argv.slice(2);
/** @type {Record<string, () => import('node:http').Server | Promise<import('node:http').Server>>} */
const emulators = {
  kinesis: () => require('kinesalite')({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 }),
  dynamodb: () => require('./dynamodb-transactions').createDynamodbServer({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
  iot: () => {
    const { LambdaClient } = require('@aws-sdk/client-lambda');
    const region = process.env.LOCAL_CLOUD_REGION;
    const lambda = new LambdaClient({ region, endpoint: process.env.LOCAL_CLOUD_LAMBDA_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    return require('./iot').createIotServer({ region, accountId: process.env.LOCAL_CLOUD_ACCOUNT_ID, lambda });
  },
};

const create = emulators[kind ?? ''];
if (!create || !Number(port)) {
  console.error('usage: run-emulator.js kinesis|dynamodb|iot PORT');
  process.exit(2);
}

Promise.resolve(create()).then((server) => {
  server.on('error', (error) => {
    console.error(`${kind}: ${error.message}`);
    process.exit(1);
  });
  server.listen(Number(port), '127.0.0.1', () => console.log(`${kind} listening on 127.0.0.1:${port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}, (/** @type {Error} */ error) => {
  console.error(`${kind}: ${error.stack}`);
  process.exit(1);
});
