export { openReplayStore, type ReplayStore, type NewChunk, type RecordingState, type RecordingFilter } from './store';
export { parseChunkBody, summarizeChunk, rageClicks, type RrwebEvent, type ChunkSummary } from './chunk';
export {
  ReplayService,
  replayListQuerySchema,
  MAX_SEQ_AHEAD,
  DROP_OFF_SESSIONS,
  type ChunkQuery,
  type FunnelDropOff,
} from './service';
export { replayExtension } from './extension';
