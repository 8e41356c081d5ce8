export { openReplayStore, type ReplayStore, type NewChunk, type RecordingState, type RecordingFilter } from './store';
export { parseChunkBody, summarizeChunk, rageClicks, type RrwebEvent, type ChunkSummary } from './chunk';
export { ReplayService, replayListQuerySchema, MAX_SEQ_AHEAD, type ReplayClientConfig, type ChunkQuery } from './service';
export { replayExtension } from './extension';
