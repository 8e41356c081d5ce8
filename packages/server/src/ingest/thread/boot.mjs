// Entry of a collector thread. Worker threads do not inherit the TypeScript loader the server runs
// under, so the thread registers it itself, then loads its TypeScript entry (workerData.entry).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
