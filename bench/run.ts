/**
 * `npm run bench -- <ingest|query|store|memory|enrichment|revenue|heatmap|all> [options]`: reproducible benchmarks; results are printed and
 * rewritten into bench/README.md (pass --no-write to only print).
 */
import { parseArgs } from 'node:util';
import { runEnrichmentBench } from './enrichment/run';
import { runIngestBench } from './ingest/run';
import { runMemoryBench } from './memory/run';
import { runQueryBench } from './query/run';
import { runFunnelBench } from './query/funnel';
import { runPeopleBench } from './query/people';
import { runStoreBench } from './store/run';
import { runRevenueBench } from './revenue/run';
import { runFirstLoadBench } from './replay/first-load';
import { runReplayBench } from './replay/run';
import { runHeatmapBench } from './heatmap/run';
import { runErasureBench } from './erasure/run';

const USAGE = `usage: npm run bench -- <ingest|query|store|memory|enrichment|revenue|replay|heatmap|erasure|all> [options]
  ingest: --contract collect|heatmap (collect) --requests N (20000) --warmup N (1000) --connections N (64) --batch N (20) --ids v7|v4 (v7)
  store:  --groups N (200) --size N (1000) --rounds N (5)
  query:  --events N (10000000) --other N (2000000) --runs N (20) --pg-events N (same as --events) --no-pg --pg-all-periods
          --only goals: just the goal breakdown; --only funnel: just the 4-step funnel (DuckDB and the PostgreSQL baseline,
          then --pairs N (10; 0 skips) before/after pairs of the funnel statement);
          --only paths|cohorts|people: paths from the home page and the cohort grid, beside a reference query
  memory: --events N (10000000) --other N (2000000) --runs N (20): server RSS idle and serving overviews (same data file)
  revenue: --events N --other N (the query data) --transactions N (50000) --runs N (20) --old-runs N (3; 0 skips): revenue page and revenue by source, credits vs raw events
  replay: --seconds N (60) --chunks N (2000) --connections N --ref <git ref>: bytes per recorded minute, recorder time
          (with --ref, that commit's t.replay.js too, in the same run; --readable: recorder not minified, for the
          profile's function names; --pages fixture,shop: only those page sets), chunk ingest;
          --only first-load --rounds N (12): the recorder's page loads with and without the eager-compilation hint
  heatmap: --clicks N (5000000) --runs N (20): one page's 90-day click map from the grid, beside the raw samples
  erasure: --events N (1000000 unless given): one person erased, then the DuckDB file scrubbed; times and whether the bytes stay
  enrichment: labelled user agents: agreement and cost per event of the enrichment, before and after
  both:   --no-write (do not update bench/README.md)`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      requests: { type: 'string', default: '20000' },
      warmup: { type: 'string', default: '1000' },
      connections: { type: 'string', default: '64' },
      batch: { type: 'string', default: '20' },
      ids: { type: 'string', default: 'v7' },
      groups: { type: 'string', default: '200' },
      size: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '5' },
      events: { type: 'string', default: '10000000' },
      other: { type: 'string', default: '2000000' },
      runs: { type: 'string', default: '20' },
      pairs: { type: 'string', default: '10' },
      transactions: { type: 'string', default: '50000' },
      'old-runs': { type: 'string', default: '3' },
      seconds: { type: 'string', default: '60' },
      chunks: { type: 'string', default: '2000' },
      ref: { type: 'string' },
      readable: { type: 'boolean', default: false },
      pages: { type: 'string' },
      clicks: { type: 'string', default: '5000000' },
      contract: { type: 'string', default: 'collect' },
      'pg-events': { type: 'string' },
      'no-pg': { type: 'boolean', default: false },
      'pg-all-periods': { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (
    values.help ||
    !command ||
    !['ingest', 'query', 'store', 'memory', 'enrichment', 'revenue', 'replay', 'heatmap', 'erasure', 'all'].includes(command)
  ) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const int = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return n;
  };
  if (values.ids !== 'v4' && values.ids !== 'v7') throw new Error(`--ids must be v4 or v7\n${USAGE}`);
  if (command === 'ingest' || command === 'all') {
    await runIngestBench({
      requests: int('requests', values.requests),
      warmup: int('warmup', values.warmup),
      connections: int('connections', values.connections),
      batch: int('batch', values.batch),
      ids: values.ids,
      contract: values.contract === 'heatmap' ? 'heatmap' : 'collect',
      write: !values['no-write'],
    });
  }
  if (command === 'store' || command === 'all') {
    await runStoreBench({
      groups: int('groups', values.groups),
      size: int('size', values.size),
      rounds: int('rounds', values.rounds),
      write: !values['no-write'],
    });
  }
  if (command === 'revenue' || command === 'all') {
    await runRevenueBench({
      events: int('events', values.events),
      otherEvents: int('other', values.other),
      transactions: int('transactions', values.transactions),
      runs: int('runs', values.runs),
      oldRuns: values['old-runs'] === '0' ? 0 : int('old-runs', values['old-runs']),
      write: !values['no-write'],
    });
  }
  if (command === 'heatmap' || command === 'all') {
    await runHeatmapBench({ clicks: int('clicks', values.clicks), runs: int('runs', values.runs), write: !values['no-write'] });
  }
  if (command === 'erasure') {
    await runErasureBench({ events: values.events === '10000000' ? 1_000_000 : int('events', values.events), write: !values['no-write'] });
  }
  if (command === 'replay' && values.only === 'first-load') {
    await runFirstLoadBench({ rounds: values.rounds === '5' ? 12 : int('rounds', values.rounds), write: !values['no-write'] });
  } else if (command === 'replay' || command === 'all') {
    await runReplayBench({
      seconds: int('seconds', values.seconds),
      chunks: int('chunks', values.chunks),
      connections: Math.min(64, int('connections', values.connections)),
      write: !values['no-write'],
      ref: values.ref,
      readable: values.readable,
      pages: values.pages?.split(',').filter(Boolean),
    });
  }
  const people = ['paths', 'cohorts', 'people', 'profiles'];
  if (
    values.only !== undefined &&
    values.only !== 'funnel' &&
    values.only !== 'goals' &&
    values.only !== 'first-load' &&
    !people.includes(values.only)
  )
    throw new Error(`--only takes: goals, funnel, paths, cohorts, people, profiles (query), first-load (replay)\n${USAGE}`);
  if (command === 'query' && values.only !== undefined && people.includes(values.only)) {
    await runPeopleBench(
      {
        events: int('events', values.events),
        otherEvents: int('other', values.other),
        runs: int('runs', values.runs),
        write: !values['no-write'],
      },
      values.only === 'people'
        ? undefined
        : values.only === 'profiles'
          ? ['unit_people', 'profiles']
          : values.only === 'paths'
            ? ['paths', 'paths_raw']
            : values.only === 'cohorts'
              ? ['cohorts', 'cohorts_raw']
              : [values.only],
      values.only === 'profiles' ? 'profiles' : 'people',
    );
  } else if (command === 'query' && values.only === 'funnel') {
    await runFunnelBench({
      events: int('events', values.events),
      otherEvents: int('other', values.other),
      runs: int('runs', values.runs),
      pairs: int('pairs', values.pairs),
      pg: !values['no-pg'],
      write: !values['no-write'],
    });
  } else if (command === 'query' || command === 'all') {
    const events = int('events', values.events);
    await runQueryBench({
      events,
      otherEvents: int('other', values.other),
      runs: int('runs', values.runs),
      pgEvents: values['no-pg'] ? 0 : values['pg-events'] ? int('pg-events', values['pg-events']) : events,
      pgAllPeriods: values['pg-all-periods'],
      only: values.only,
      write: !values['no-write'],
    });
  }
  if (command === 'enrichment' || command === 'all') {
    await runEnrichmentBench({ events: 200_000, write: !values['no-write'] });
  }
  if (command === 'memory' || command === 'all') {
    await runMemoryBench({
      events: int('events', values.events),
      otherEvents: int('other', values.other),
      runs: int('runs', values.runs),
      write: !values['no-write'],
    });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
