export { retentionCommand } from './retention-command';
export { vaultCommand } from './vault-command';
