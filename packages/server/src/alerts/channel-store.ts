import { badRequest, type AlertChannel, type Alert } from '@tidemark/core';
import { newShareToken } from '../meta';
import { OutboundRefused, resolveOutbound } from '../outbound';
import type { ServerKeys } from '../secrets';

const SEAL = 'alert-channels';

/** Channels are stored sealed: they hold webhook URLs and secrets. */
export function sealChannels(keys: ServerKeys, channels: AlertChannel[]): string {
  return keys.seal(SEAL, JSON.stringify(channels));
}

export function openChannels(keys: ServerKeys, sealed: string): AlertChannel[] {
  const opened = keys.open(SEAL, sealed);
  return opened ? (JSON.parse(opened) as AlertChannel[]) : [];
}

const mask = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.split('/').slice(0, 2).join('/')}/…`;
  } catch {
    return '…';
  }
};

/** As the API shows them: the Slack URL masked, the webhook secret only in the answer that made it. */
export function shownChannels(channels: AlertChannel[], secrets: boolean): Alert['channels'] {
  return channels.map((c) =>
    c.type === 'email'
      ? c
      : c.type === 'slack'
        ? { type: 'slack' as const, webhook_url: mask(c.webhook_url) }
        : { type: 'webhook' as const, url: c.url, ...(secrets ? { secret: c.secret } : {}) },
  );
}

/** Refuses channel URLs that name a forbidden address now (delivery checks again every time); makes missing webhook secrets. */
export async function checkChannels(channels: AlertChannel[], allowPrivate: boolean): Promise<AlertChannel[]> {
  const out: AlertChannel[] = [];
  for (const c of channels) {
    if (c.type !== 'email') {
      try {
        await resolveOutbound(new URL(c.type === 'slack' ? c.webhook_url : c.url), { allowPrivate });
      } catch (err) {
        if (err instanceof OutboundRefused) throw badRequest('outbound_refused', `Channel URL refused: ${err.message}`);
        // Not resolvable right now: accepted; delivery resolves and checks it again.
      }
    }
    out.push(c.type === 'webhook' && !c.secret ? { ...c, secret: newShareToken() } : c);
  }
  return out;
}
