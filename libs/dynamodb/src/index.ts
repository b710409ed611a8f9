export { putAll, type PutAllOptions } from './batch-write';
