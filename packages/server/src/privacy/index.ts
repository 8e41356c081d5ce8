export { PrivacyService, requestView, RESPONSE_DAYS, type PrivacyDeps } from './service';
export { resolveSubject, maskSubject, type ResolvedSubject } from './subject';
export { buildArchive, type SubjectRecords } from './archive';
