export { UsageMeter, utcMonth, type UsageMeterOptions } from './usage';
export { withQuota } from './quota-collector';
export { assertSiteAllowed, clientOf, createClient, listClients, resellerOf, updateClient } from './resellers';
export { brandBannerHtml, brandingFor, trackingOrigin } from './branding';
export { listOrgsForAdmin, updateOrgForAdmin } from './admin';
