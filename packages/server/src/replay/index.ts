export { openReplayStore, type ReplayStore, type NewChunk, type RecordingState, type RecordingFilter } from './store';
export { parseChunkBody, summarizeChunk, rageClicks, type RrwebEvent, type ChunkSummary } from './chunk';
