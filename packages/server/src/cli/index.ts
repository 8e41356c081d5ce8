export { retentionCommand } from './retention-command';
export { ratesCommand } from './rates-command';
