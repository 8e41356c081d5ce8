import crypto from 'node:crypto';
import { loadConfig } from '../config';
import { createContext, closeContext } from '../app';
import type { AppContext } from '../app/context';
import { hashPassword } from '../auth';
import { createDemoSite, findDemoSite, DEMO_DOMAIN } from '../demo';

interface DemoArgs {
  visitors?: number;
  days?: number;
  seed?: string;
  org?: string;
  again: boolean;
}

const USAGE = 'usage: tidemark demo [--visitors N] [--days N] [--seed S] [--org ORG_ID] [--again]';

function parseArgs(argv: string[]): DemoArgs {
  const out: DemoArgs = { again: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const positive = (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${a} must be a positive number\n${USAGE}`);
      return n;
    };
    if (a === '--visitors') out.visitors = positive(value());
    else if (a === '--days') out.days = Math.min(3650, Math.ceil(positive(value())));
    else if (a === '--seed') out.seed = value();
    else if (a === '--org') out.org = value();
    else if (a === '--again') out.again = true;
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return out;
}

/** The oldest organization, or a new one with an owner account whose password is printed once. */
async function targetOrg(ctx: AppContext, args: DemoArgs, log: (s: string) => void): Promise<{ id: string; name: string }> {
  if (args.org) {
    const org = await ctx.meta.orgs.byId(args.org);
    if (!org) throw new Error(`No organization with id ${args.org}`);
    return org;
  }
  const first = await ctx.meta.db
    .selectFrom('organizations')
    .select(['id', 'name'])
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (first) return first;
  const email = 'demo@tidemark.local';
  const password = crypto.randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  const org = await ctx.meta.db.transaction().execute(async (trx) => {
    const user = await ctx.meta.users.create({ email, passwordHash, name: 'Demo owner' }, trx);
    const created = await ctx.meta.orgs.create('Demo organization', trx);
    await ctx.meta.members.add(created.id, user.id, 'owner', null, trx);
    return created;
  });
  log(`No account yet: created the owner account ${email} with password ${password} (shown only now; change it after signing in)`);
  return org;
}

/** `tidemark demo`: a "Demo" site with 90 days of realistic traffic in the first organization. */
export async function demoCommand(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const config = loadConfig();
  const log = (s: string) => console.log(s);
  const t0 = performance.now();
  let ctx: AppContext;
  try {
    ctx = await createContext(config);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/lock/i.test(msg))
      throw new Error(
        `${msg}\nThe data directory is in use (is the server running?). Stop it first, or use "Load demo data" in the dashboard.`,
      );
    throw err;
  }
  try {
    const org = await targetOrg(ctx, args, log);
    const existing = await findDemoSite(ctx, org.id);
    if (existing && !args.again) {
      log(`Organization "${org.name}" already has a demo site (${existing.id}); pass --again to add another.`);
      return;
    }
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    const days = args.days ?? 90;
    log(`Creating site "Demo" (${DEMO_DOMAIN}, ${timezone}) in "${org.name}" with ${days} days of traffic…`);
    const r = await createDemoSite(ctx, { orgId: org.id, days, visitorsPerDay: args.visitors, seed: args.seed, timezone, log });
    const rate = Math.round(r.events / (r.generateAndWriteMs / 1000));
    log(
      `Wrote ${r.events.toLocaleString('en-US')} events in ${(r.generateAndWriteMs / 1000).toFixed(1)} s (${rate.toLocaleString('en-US')} events/s) and ${r.recordings} session recordings to ${config.eventsUrl ? 'the configured event store' : config.dataDir}.`,
    );
    const origin = config.publicUrl ?? `http://localhost:${config.port}`;
    log(`Site id ${r.site.id}. Start the server (npm start) and open ${origin}/sites/${r.site.id}`);
  } finally {
    await closeContext(ctx);
    log(`Done in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
  }
}
