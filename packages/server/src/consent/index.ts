export { ConsentService, textVersion, type PublicConsentConfig } from './service';
