// The first-load bench's page script (bench/replay/first-load.ts): rrweb's recorder with t.replay.js's
// options, started as the script runs, as t.replay.js starts it once the site's settings are known.
import { record } from '@rrweb/record';
import type { ReplayClientConfig } from '@tidemark/core';
import { recordOptions } from '../../packages/tracker/src/browser/replay-options';

const events: unknown[] = [];
(window as unknown as Record<string, unknown>).recorded = events;
const cfg = { mask: [], block: [], maskAllText: false } as unknown as ReplayClientConfig;
record(recordOptions(cfg, (e) => void events.push(e)));
