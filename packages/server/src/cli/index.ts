export { retentionCommand } from './retention-command';
export { vaultCommand } from './vault-command';
export { importCommand } from './import-command';
