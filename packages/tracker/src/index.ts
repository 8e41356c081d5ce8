// Node-side entry of @tidemark/tracker: building and describing the browser scripts (src/browser/).
export {
  buildTracker,
  compileEntry,
  gzipSize,
  TRACKER_DIST_DIR,
  TRACKER_FILES,
  type BuiltFile,
  type CompileOptions,
  type TrackerFileName,
} from './node/build';
export { trackerSnippet, trackerLoaderSnippet, consentSnippet } from './node/snippet';
export { rrwebRecordPatch, rrwebRecordPatches } from './node/rrweb-patch';
