export { Vault, type VaultOptions, type VaultScheduleOptions } from './vault';
export { VaultLoader, RECORD_SOURCE, type VaultLoadOptions, type VaultLoadReport } from './loader';
export { VaultLifecycle } from './lifecycle';
export { hashKey, hashDiff } from './keys';
