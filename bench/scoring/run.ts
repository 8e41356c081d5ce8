/**
 * `npx tsx bench/scoring/run.ts [--profiles N] [--train N] [--rounds N] [--no-write]`: lead scoring's
 * computation over N feature rows (default 1,000,000), rules mode beside model mode in the same run
 * (alternating rounds, each the score with its reasons, as the profile read model asks), and the
 * time to train a model on --train people (default 100,000, three cutoffs) with 20 % more held out,
 * and on --train-large (default 1,000,000; 0 skips it); and training end to end on the embedded store
 * for --store-people generated people (default 20,000; 0 skips it).
 * The feature rows are made in memory (what the feature query returns): this measures the scoring,
 * not the engine's aggregation (bench `query --only profiles` measures that).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SCORING_RULES, CHANNELS, type GoalDefinition } from '@tidemark/core';
import { generateLeadTraffic, Prng } from '@tidemark/testkit';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore } from '../../packages/server/src/store';
import { StatsService } from '../../packages/server/src/stats';
import { MAX_TRAIN_ROWS, modelScoreOf, rulesScorer, scoreOf, trainLeadModel, type TrainingSet } from '../../packages/server/src/scoring';
import type { LeadExample, PersonFeatures } from '../../packages/server/src/stats';
import { fmt, machineInfo, rmrf, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const GOALS: GoalDefinition[] = [{ id: 'g', name: 'Signed up', type: 'event', match: { event_name: 'signup' } }];

/** One person: behaviours driven by a hidden propensity z, and whether they convert (chance rising with z). */
function person(rng: Prng, asOf: number): { f: PersonFeatures; label: boolean } {
  const z = rng.normal();
  const sessions = 1 + rng.poisson(Math.exp(0.4 + 0.6 * z));
  const pageviews = sessions + rng.poisson(sessions * Math.exp(0.2 + 0.4 * z));
  const f: PersonFeatures = {
    identified: rng.chance(1 / (1 + Math.exp(2 - z))),
    last_ms: asOf - Math.floor(rng.next() * 60 * DAY * Math.exp(-0.3 * z)),
    sessions,
    pageviews,
    key_pages: [rng.chance(1 / (1 + Math.exp(1 - z))) ? 1 : 0, rng.chance(0.3) ? 2 : 0, rng.chance(1 / (1 + Math.exp(2 - z))) ? 1 : 0],
    goals: rng.chance(0.1) ? 1 : 0,
    engaged_ms: Math.round(rng.logNormal(60_000 * Math.exp(0.5 * z), 0.7)),
    scroll_max: Math.max(0, Math.min(100, Math.round(45 + 18 * z + 20 * rng.normal()))),
    forms: rng.chance(1 / (1 + Math.exp(2.2 - 1.2 * z))) ? 1 : 0,
    form_starts: rng.chance(1 / (1 + Math.exp(1.5 - z))) ? 1 : 0,
    days_active: Math.min(sessions, 1 + rng.poisson(sessions / 2)),
    first_channel: CHANNELS[rng.int(0, CHANNELS.length - 1)]!,
    device: rng.chance(0.4) ? 'mobile' : 'desktop',
  };
  return { f, label: rng.chance(1 / (1 + Math.exp(3 - 1.5 * z))) };
}

const examples = (rng: Prng, n: number, asOf: number): LeadExample[] =>
  Array.from({ length: n }, (_, i) => {
    const p = person(rng, asOf);
    return { pid: `v${i}`, features: p.f, label: p.label };
  });

/**
 * Training end to end on the embedded store: generated people's events written to a fresh DuckDB,
 * then what the service does — the people at four cutoffs read by the engine, and the fit.
 */
async function storeTraining(people: number): Promise<{ events: number; readMs: number; fitMs: number; auc: number; rulesAuc: number }> {
  const dir = path.join(process.cwd(), 'bench', '.data', `scoring-${people}`);
  rmrf(dir);
  fs.mkdirSync(dir, { recursive: true });
  const store = await openEventStore(loadConfig({ TIDEMARK_DATA_DIR: dir }));
  try {
    await store.init();
    const siteId = 'bench-leads';
    const { events } = generateLeadTraffic({ siteId, seed: 'bench', people, start: NOW - 120 * DAY, end: NOW });
    for (let i = 0; i < events.length; i += 20_000)
      await store.write({ events: events.slice(i, i + 20_000), raw: [], quarantine: [], drops: [] });
    await store.query('CHECKPOINT');
    const stats = new StatsService(store, { sharedResultsMs: 0 });
    const site = { id: siteId, timezone: 'UTC', goals: GOALS };
    const h = 14 * DAY;
    const reader = rulesScorer(DEFAULT_SCORING_RULES, GOALS, NOW);
    const t0 = performance.now();
    const read = (cutoff: number) => stats.leadExamples(site, reader, GOALS[0]!, cutoff, h);
    const set: TrainingSet = {
      train: [] as TrainingSet['train'],
      validation: { cutoff: NOW - h, examples: await read(NOW - h) },
    };
    for (const k of [4, 3, 2]) set.train.push({ cutoff: NOW - k * h, examples: await read(NOW - k * h) });
    const readMs = performance.now() - t0;
    const t1 = performance.now();
    const trained = trainLeadModel(set, { goal_id: 'g', horizon_days: 14, rules: DEFAULT_SCORING_RULES, goals: GOALS });
    return { events: events.length, readMs, fitMs: performance.now() - t1, auc: trained.metrics.auc, rulesAuc: trained.metrics.rules_auc };
  } finally {
    await store.close();
    rmrf(dir);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main() {
  const { values } = parseArgs({
    options: {
      profiles: { type: 'string', default: '1000000' },
      train: { type: 'string', default: '100000' },
      'train-large': { type: 'string', default: '1000000' },
      'store-people': { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '3' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const n = Number(values.profiles);
  const nTrain = Number(values.train);
  const rounds = Number(values.rounds);
  const machine = machineInfo();
  const niceness = (await import('node:os')).getPriority();
  const rng = new Prng('scoring-bench');

  // Training: three cutoffs a horizon apart, the held-out people at the last.
  const h = 14 * DAY;
  const training = (size: number) => {
    const set: TrainingSet = {
      train: [3, 2, 1].map((k) => ({ cutoff: NOW - (k + 1) * h, examples: examples(rng, Math.round(size / 3), NOW - (k + 1) * h) })),
      validation: { cutoff: NOW - h, examples: examples(rng, Math.round(size / 5), NOW - h) },
    };
    const t0 = performance.now();
    const trained = trainLeadModel(set, { goal_id: 'g', horizon_days: 14, rules: DEFAULT_SCORING_RULES, goals: GOALS });
    return { trained, ms: performance.now() - t0 };
  };
  const { trained, ms: trainMs } = training(nTrain);
  const large = Number(values['train-large']);
  const big = large > 0 ? training(large) : null;

  const storePeople = Number(values['store-people']);
  const stored = storePeople > 0 ? await storeTraining(storePeople) : null;

  const rows = Array.from({ length: n }, () => person(rng, NOW).f);
  const rulesMs: number[] = [];
  const modelMs: number[] = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (const f of rows) sink += scoreOf(DEFAULT_SCORING_RULES, f, NOW).score;
    rulesMs.push(performance.now() - t);
    t = performance.now();
    for (const f of rows) sink += modelScoreOf(trained.model, f, NOW).score;
    modelMs.push(performance.now() - t);
  }
  const rulesMed = median(rulesMs);
  const modelMed = median(modelMs);
  const perSec = (ms: number) => fmt((n / ms) * 1000);
  const lines = [
    `rules mode (baseline), ${fmt(n)} profiles scored with reasons: ${fmt(rulesMed)} ms (median of ${rounds}; ${perSec(rulesMed)} profiles/s)`,
    `model mode, the same ${fmt(n)} profiles (probability × 100 and each feature's effect as reasons): ${fmt(modelMed)} ms (${perSec(modelMed)} profiles/s), ${(modelMed / rulesMed).toFixed(1)}× the rules`,
    `training: ${fmt(trained.people.train)} training people (3 cutoffs, ${trained.model.features.length} features) + ${fmt(trained.people.validation)} held out: ${fmt(trainMs)} ms (held-out AUC ${trained.metrics.auc.toFixed(3)}, rules ${trained.metrics.rules_auc.toFixed(3)})`,
    ...(big
      ? [
          `training at ${fmt(big.trained.people.train)} training people + ${fmt(big.trained.people.validation)} held out (non-converters sampled to ${fmt(MAX_TRAIN_ROWS)} rows for the fit): ${fmt(big.ms)} ms (held-out AUC ${big.trained.metrics.auc.toFixed(3)})`,
        ]
      : []),
    ...(stored
      ? [
          `training end to end on the embedded DuckDB store, ${fmt(storePeople)} generated people (${fmt(stored.events)} events over 120 days): people at 4 cutoffs read in ${fmt(stored.readMs)} ms, fit and held-out metrics ${fmt(stored.fitMs)} ms (held-out AUC ${stored.auc.toFixed(3)}, rules ${stored.rulesAuc.toFixed(3)})`,
        ]
      : []),
  ];
  for (const l of lines) console.log(`[scoring] ${l}`);
  console.log(`[scoring] (checksum ${sink})`);
  if (!values['no-write'])
    writeResultSection(
      'lead-scoring',
      `## Lead scoring: 1 million profiles, rules and model\n\n\`nice -n -19 npx tsx bench/scoring/run.ts --profiles ${n} --train ${nTrain} --train-large ${large} --store-people ${storePeople}\` (niceness ${niceness}). ${machine}.\n\n` +
        'In-memory feature rows (what the profile feature query returns), scored one after another in one thread; rules and model alternate, each round over every row.\n\n' +
        `### Last run (${today()})\n\n${lines.map((l) => `- ${l}`).join('\n')}`,
    );
}

await main();
