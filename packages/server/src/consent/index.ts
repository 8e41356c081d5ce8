export { ConsentService, textVersion, type PublicConsentConfig } from './service';
export { pruneConsentLogs, scheduleConsentRetention } from './retention';
