export { createDemoSite, findDemoSite, DEMO_DOMAIN, type DemoOptions, type DemoResult } from './demo';
export { retentionCommand } from './retention-command';
