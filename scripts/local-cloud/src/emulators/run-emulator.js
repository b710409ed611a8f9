'use strict';

// Runs kinesalite or dynalite in memory on a loopback port, in a process of its own so that it
// gets a core of its own under load; dynalite with TransactWriteItems and TransactGetItems in front
// (dynamodb-transactions.js). Usage: node run-emulator.js kinesis|dynamodb PORT

const [kind, port] = process.argv.slice(2);
const emulators = {
  kinesis: () => require('kinesalite')({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 }),
  dynamodb: () => require('./dynamodb-transactions').createDynamodbServer({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
};

if (!emulators[kind] || !Number(port)) {
  console.error('usage: run-emulator.js kinesis|dynamodb PORT');
  process.exit(2);
}

const server = emulators[kind]();
server.on('error', (error) => {
  console.error(`${kind}: ${error.message}`);
  process.exit(1);
});
server.listen(Number(port), '127.0.0.1', () => console.log(`${kind} listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
