export { retentionCommand } from './retention-command';
export { ratesCommand } from './rates-command';
export { vaultCommand } from './vault-command';
export { importCommand } from './import-command';
export { exportCommand } from './export-command';
export { orgCommand } from './org-command';
