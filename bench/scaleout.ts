/**
 * `npx tsx bench/scaleout.ts <ingest|query|all> [options]`: the scale-out mode (collectors → Redis
 * stream → worker → ClickHouse; stats on ClickHouse) measured beside the embedded one. Needs the
 * local services (.ci/services.sh). Results are printed and written into bench/README.md.
 */
import { parseArgs } from 'node:util';
import { runScaleOutIngest } from './scaleout/ingest';
import { runScaleOutQuery } from './scaleout/query';
import { checkServices } from './scaleout/services';

const USAGE = `usage: npx tsx bench/scaleout.ts <ingest|query|all> [options]
  ingest: --requests N (20000) --warmup N (1000) --connections N (64) --batch N (20) --collectors N (1)
  query:  --events N (2000000) --runs N (5)
  both:   --no-write (do not update bench/README.md)`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      requests: { type: 'string', default: '20000' },
      warmup: { type: 'string', default: '1000' },
      connections: { type: 'string', default: '64' },
      batch: { type: 'string', default: '20' },
      collectors: { type: 'string', default: '1' },
      events: { type: 'string', default: '2000000' },
      runs: { type: 'string', default: '5' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !['ingest', 'query', 'all'].includes(command)) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const int = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return n;
  };
  const svc = await checkServices();
  const write = !values['no-write'];
  if (command === 'ingest' || command === 'all') {
    await runScaleOutIngest(
      {
        requests: int('requests', values.requests),
        warmup: int('warmup', values.warmup),
        connections: int('connections', values.connections),
        batch: int('batch', values.batch),
        collectors: int('collectors', values.collectors),
        write,
      },
      svc,
    );
  }
  if (command === 'query' || command === 'all') {
    await runScaleOutQuery({ events: int('events', values.events), runs: int('runs', values.runs), write }, svc);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
