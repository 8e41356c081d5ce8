export { ShareService, SHARE_ACCESS_HEADER, type SharedSite } from './service';
export { checkShareParams, filterDimensions, shareAllows } from './access';
