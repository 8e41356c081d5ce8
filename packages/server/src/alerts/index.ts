export { AlertService, type AlertServiceOptions, type EvaluationSummary } from './service';
export { scheduleAlerts } from './job';
export { checkAnomaly, seasonalBand, sameBucketHistory, DEFAULT_ANOMALY, type AnomalyOptions, type AnomalyVerdict } from './anomaly';
export { signWebhook, slackMessage, SIGNATURE_HEADER } from './channels';
export { judge } from './evaluate';
export { deliver, type Notice, type DeliveryOptions } from './channels';
export { checkChannels, openChannels, sealChannels, shownChannels } from './channel-store';
