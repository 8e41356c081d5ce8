export { retentionCommand } from './retention-command';
