export { putAll, putAllMarshalled, type PutAllOptions } from './batch-write';
