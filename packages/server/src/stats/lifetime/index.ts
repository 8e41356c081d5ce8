export { runLifetimeDays, type LifetimeDay, type LifetimeDays } from './run';
export { compileLifetimeDays, compileHasPayments, type LifetimeDaysQuery } from './compile';
