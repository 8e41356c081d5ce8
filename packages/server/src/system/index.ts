/**
 * The instance's own operations (docs/operations.md, "System"): the admin System page's numbers and
 * threshold alerts on the system itself.
 */
export { systemStatus, backlogNow, type SystemSources } from './status';
export { SystemAlertService, type SystemAlertServiceOptions } from './alerts';
export { scheduleSystemAlerts } from './job';
