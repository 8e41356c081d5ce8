export { openRedis, closeRedis, type Redis, type RedisOptions } from './redis';
export { DEFAULT_STREAM, DEFAULT_GROUP, deadLetterKey, encodeBatch, decodeEntry, type StreamEntry } from './stream';
export { StreamProducer, type StreamProducerOptions } from './producer';
export { StreamWorker, ensureGroup, type KeyedWriter, type StreamWorkerOptions, type WorkerStats } from './worker';
export { LeaderLock, everyAsLeader, type LeaderLockOptions } from './leader';
export { RedisCounterStore } from './counters';
export { SharedSessionCache, type SharedSessionCacheOptions } from './session-cache';
export { openScaleOut, type ScaleOut, type ScaleOutOptions } from './open';
export { RedisRealtime, withRealtime, type RedisRealtimeOptions } from './realtime';
