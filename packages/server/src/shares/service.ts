import {
  badRequest,
  notFound,
  parseInput,
  SHARE_CARDS,
  shareInputSchema,
  shareUnlockSchema,
  TidemarkError,
  type Share,
  type ShareAccess,
  type ShareCard,
  type ShareCreated,
  type SharedView,
} from '@tidemark/core';
import type { CounterStore } from '../counters';
import { MAX_SHARES_PER_SITE, newShareToken, type MetaStore, type ShareRecord, type SiteRecord } from '../meta';
import type { ServerKeys } from '../secrets';
import { hashPassword, tooManyRequests, verifyPassword } from '../auth';

const ACCESS_PURPOSE = 'share-access';
/** How long an unlocked view stays unlocked (at most until the link expires). */
const ACCESS_MS = 12 * 3_600_000;
/** Password guesses: per link, and per address over all links. */
const LINK_GUESSES = { max: 10, windowMs: 15 * 60_000 };
const ADDRESS_GUESSES = { max: 30, windowMs: 15 * 60_000 };
const TOKEN = /^[A-Za-z0-9_-]{32,100}$/;

export const SHARE_ACCESS_HEADER = 'x-share-access';

const publicShare = (s: ShareRecord): Share => ({
  id: s.id,
  site_id: s.site_id,
  name: s.name,
  token_prefix: s.token_prefix,
  has_password: s.password_hash !== null,
  expires_at: s.expires_at === null ? null : new Date(s.expires_at).toISOString(),
  cards: s.cards.filter((c): c is ShareCard => (SHARE_CARDS as string[]).includes(c)),
  frame_ancestors: s.frame_ancestors,
  created_at: new Date(s.created_at).toISOString(),
});

export interface SharedSite {
  share: Share;
  site: SiteRecord;
}

/**
 * Shared dashboard links (InsightHub PRD §4.7.2). The token is 256 random bits, stored only as its
 * SHA-256; a password is an argon2id hash, its guesses counted per link and per address. A link
 * reads only its own site, only while it exists and has not expired.
 */
export class ShareService {
  constructor(
    private readonly meta: MetaStore,
    private readonly keys: ServerKeys,
    private readonly counters: CounterStore,
    private readonly now: () => number = Date.now,
  ) {}

  async list(site: Pick<SiteRecord, 'id'>): Promise<Share[]> {
    return (await this.meta.shares.listBySite(site.id)).map(publicShare);
  }

  async create(site: SiteRecord, body: unknown, createdBy: string | null, origin: string): Promise<ShareCreated> {
    const input = parseInput(shareInputSchema, body ?? {});
    const expiresAt = input.expires_at === undefined ? null : Date.parse(input.expires_at);
    if (expiresAt !== null && expiresAt <= this.now()) throw badRequest('invalid_expires_at', 'expires_at: must be in the future');
    if ((await this.meta.shares.count(site.id)) >= MAX_SHARES_PER_SITE)
      throw badRequest('too_many_shares', `A site has at most ${MAX_SHARES_PER_SITE} shared links`);
    const token = newShareToken();
    const record = await this.meta.shares.create(
      site.id,
      {
        token,
        name: input.name ?? `Shared ${site.domain}`,
        password_hash: input.password === undefined ? null : await hashPassword(input.password),
        expires_at: expiresAt,
        cards: input.cards ? [...new Set(input.cards)] : [...SHARE_CARDS],
        frame_ancestors: [...new Set((input.frame_ancestors ?? []).map((o) => o.toLowerCase()))],
      },
      createdBy,
      this.now(),
    );
    return { ...publicShare(record), token, url: `${origin}/share/${token}` };
  }

  async remove(site: Pick<SiteRecord, 'id'>, id: string): Promise<void> {
    if (id.length > 64 || !(await this.meta.shares.delete(site.id, id))) throw notFound('Shared link');
  }

  /** The live link a token names, with its site; 404 for anything else (unknown, expired, site gone). */
  async resolve(token: string): Promise<{ record: ShareRecord; site: SiteRecord }> {
    const record = TOKEN.test(token) ? await this.meta.shares.byToken(token) : null;
    if (!record || (record.expires_at !== null && record.expires_at <= this.now())) throw notFound('Shared link');
    const site = await this.meta.sites.byId(record.site_id);
    if (!site) throw notFound('Shared link');
    return { record, site };
  }

  /** The frame-ancestors of a live link, or null. */
  async frameAncestors(token: string): Promise<string[] | null> {
    try {
      return (await this.resolve(token)).record.frame_ancestors;
    } catch {
      return null;
    }
  }

  private unlocked(record: ShareRecord, access: string | undefined): boolean {
    if (record.password_hash === null) return true;
    if (!access) return false;
    const p = this.keys.verify<{ s: string }>(ACCESS_PURPOSE, access, this.now());
    return p?.s === record.id;
  }

  async view(token: string, access: string | undefined): Promise<SharedView> {
    const { record, site } = await this.resolve(token);
    const open = this.unlocked(record, access);
    const share = publicShare(record);
    return {
      name: record.name,
      locked: !open,
      site: open ? { domain: site.domain, timezone: site.timezone } : null,
      cards: share.cards,
      expires_at: share.expires_at,
    };
  }

  async unlock(token: string, body: unknown, address: string): Promise<ShareAccess> {
    const { record } = await this.resolve(token);
    const { password } = parseInput(shareUnlockSchema, body ?? {});
    if (record.password_hash === null) throw badRequest('no_password', 'This shared link has no password');
    const link = await this.counters.incr(`share-unlock:${record.id}`, LINK_GUESSES.windowMs);
    const addr = await this.counters.incr(`share-unlock-ip:${this.keys.hmac('share-unlock-ip', address)}`, ADDRESS_GUESSES.windowMs);
    if (link.count > LINK_GUESSES.max || addr.count > ADDRESS_GUESSES.max)
      throw tooManyRequests('Too many password attempts; try again later', Math.max(link.resetAt, addr.resetAt));
    if (!(await verifyPassword(record.password_hash, password)))
      throw new TidemarkError(401, 'wrong_password', 'The password is not right');
    const expires = Math.min(this.now() + ACCESS_MS, record.expires_at ?? Number.POSITIVE_INFINITY);
    return { access_token: this.keys.sign(ACCESS_PURPOSE, { s: record.id }, expires), expires_at: new Date(expires).toISOString() };
  }

  /** The link's site and cards, once it is unlocked (401 `share_locked` until then). */
  async open(token: string, access: string | undefined): Promise<{ site: SiteRecord; cards: ShareCard[] }> {
    const { record, site } = await this.resolve(token);
    if (!this.unlocked(record, access)) throw new TidemarkError(401, 'share_locked', 'This shared link needs its password');
    return { site, cards: publicShare(record).cards };
  }
}
