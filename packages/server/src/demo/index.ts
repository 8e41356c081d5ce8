export { createDemoSite, findDemoSite, DEMO_DOMAIN, type DemoOptions, type DemoResult } from './demo-site';
