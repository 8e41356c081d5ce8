export { ServerKeys } from './keys';
export { loadServerSecret, SECRET_FILE, type SecretSource } from './server-secret';
export { preparePrivateDir, restrictDataFiles, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './data-dir';
export { keyedCounterStore } from './keyed-counters';
