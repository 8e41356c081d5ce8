export { retentionCommand } from './retention-command';
export { importCommand } from './import-command';
