import { z } from 'zod';
import { loadConfig } from '../config';
import { openMetaStore, type MetaStore } from '../meta';

const USAGE = `usage:
  tidemark org reseller <org id or slug> [--max-sub-orgs N] [--max-sites-per-sub-org N] [--max-events-per-sub-org N]
  tidemark org reseller <org id or slug> --off
  tidemark org limits <org id or slug> [--soft N|none] [--hard N|none]
  tidemark org show <org id or slug>
(limits: a whole number, or "none" for no limit; omitted ones stay as they are)`;

const limitValue = z.union([z.literal('none').transform(() => null), z.coerce.number().int().min(0).max(1_000_000_000_000)]);

/** `--name value` pairs and bare `--flag`s of argv; anything else is a usage error. */
function flags(argv: string[], known: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '');
    if (!argv[i]!.startsWith('--') || !known.includes(name)) throw new Error(USAGE);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out[name] = next;
      i++;
    } else out[name] = true;
  }
  return out;
}

function limit(v: string | true | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  const r = limitValue.safeParse(v);
  if (!r.success) throw new Error(`not a limit: ${String(v)} (a whole number, or "none")\n${USAGE}`);
  return r.data;
}

async function show(meta: MetaStore, orgId: string, out: (line: string) => void): Promise<void> {
  const t = await meta.tenancy.get(orgId);
  if (!t) return;
  const n = (v: number | null) => (v === null ? 'none' : String(v));
  out(
    `${t.name} (${t.id}): reseller ${t.is_reseller ? 'yes' : 'no'}` +
      (t.is_reseller
        ? `, clients at most ${n(t.max_sub_organizations)}, sites per client ${n(t.max_sites_per_sub_org)}, events per client ${n(t.max_events_per_sub_org)}`
        : '') +
      (t.parent_org_id ? `, client of ${t.parent_org_id}` : '') +
      `; events a month: soft ${n(t.events_soft_limit)}, hard ${n(t.events_hard_limit)}`,
  );
}

/**
 * The instance operator's hand on organizations (docs/resellers.md): make one a reseller with its limits
 * for clients, or set any organization's monthly event limits. Works on the metadata store alone, so it
 * can run beside a running server (which applies new limits within half a minute).
 */
export async function orgCommand(
  argv: string[],
  out: (line: string) => void = console.log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const [sub, target, ...rest] = argv;
  if (!sub || !target || !['reseller', 'limits', 'show'].includes(sub)) throw new Error(USAGE);
  const config = loadConfig(env);
  const meta = await openMetaStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const orgId = await meta.tenancy.resolve(target);
    if (!orgId) throw new Error(`no organization with id or slug "${target}"`);
    if (sub === 'reseller') {
      const f = flags(rest, ['max-sub-orgs', 'max-sites-per-sub-org', 'max-events-per-sub-org', 'off']);
      const before = await meta.tenancy.get(orgId);
      if (f.off) {
        if (Object.keys(f).length > 1) throw new Error(USAGE);
        await meta.tenancy.setReseller(orgId, false, {
          max_sub_organizations: before?.max_sub_organizations ?? null,
          max_sites_per_sub_org: before?.max_sites_per_sub_org ?? null,
          max_events_per_sub_org: before?.max_events_per_sub_org ?? null,
        });
      } else {
        const pick = (name: string, current: number | null | undefined) => {
          const v = limit(f[name]);
          return v === undefined ? (current ?? null) : v;
        };
        await meta.tenancy.setReseller(orgId, true, {
          max_sub_organizations: pick('max-sub-orgs', before?.max_sub_organizations),
          max_sites_per_sub_org: pick('max-sites-per-sub-org', before?.max_sites_per_sub_org),
          max_events_per_sub_org: pick('max-events-per-sub-org', before?.max_events_per_sub_org),
        });
      }
    } else if (sub === 'limits') {
      const f = flags(rest, ['soft', 'hard']);
      if (!Object.keys(f).length) throw new Error(USAGE);
      await meta.tenancy.setEventLimits(orgId, { events_soft_limit: limit(f.soft), events_hard_limit: limit(f.hard) });
    } else if (rest.length) throw new Error(USAGE);
    await show(meta, orgId, out);
  } finally {
    await meta.close();
  }
}
