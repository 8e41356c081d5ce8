/**
 * The maintained list of traffic sources the collector recognises by referrer host or utm_source:
 * search engines, social networks and webmail. A `*` as last label matches any public suffix
 * (google.com, google.co.uk, google.com.au …). Android app referrers (android-app://<package>) are
 * matched by package name. Add entries here; the tests pin a sample of each kind.
 */
export type SourceKind = 'search' | 'social' | 'email';

export interface KnownSource {
  name: string;
  kind: SourceKind;
  hosts: string[];
  /** Lower-case utm_source values naming this source besides its hosts (e.g. "fb"). */
  aliases?: string[];
}

export const KNOWN_SOURCES: KnownSource[] = [
  // Search engines
  {
    name: 'Google',
    kind: 'search',
    hosts: ['google.*', 'com.google.android.googlequicksearchbox', 'googleadservices.com'],
    aliases: ['google', 'adwords', 'googleads', 'google ads'],
  },
  { name: 'Bing', kind: 'search', hosts: ['bing.com'], aliases: ['bing', 'microsoft ads', 'msn'] },
  { name: 'Yahoo!', kind: 'search', hosts: ['yahoo.*', 'search.yahoo.com'], aliases: ['yahoo'] },
  { name: 'DuckDuckGo', kind: 'search', hosts: ['duckduckgo.com', 'ddg.gg'], aliases: ['duckduckgo', 'ddg'] },
  { name: 'Baidu', kind: 'search', hosts: ['baidu.com'], aliases: ['baidu'] },
  { name: 'Yandex', kind: 'search', hosts: ['yandex.*', 'ya.ru'], aliases: ['yandex'] },
  { name: 'Ecosia', kind: 'search', hosts: ['ecosia.org'], aliases: ['ecosia'] },
  { name: 'Qwant', kind: 'search', hosts: ['qwant.com'], aliases: ['qwant'] },
  { name: 'Startpage', kind: 'search', hosts: ['startpage.com'], aliases: ['startpage'] },
  { name: 'Brave Search', kind: 'search', hosts: ['search.brave.com'], aliases: ['brave'] },
  { name: 'Kagi', kind: 'search', hosts: ['kagi.com'], aliases: ['kagi'] },
  { name: 'Naver', kind: 'search', hosts: ['naver.com'], aliases: ['naver'] },
  { name: 'Seznam', kind: 'search', hosts: ['seznam.cz'], aliases: ['seznam'] },
  { name: 'Daum', kind: 'search', hosts: ['daum.net'], aliases: ['daum'] },
  { name: 'Sogou', kind: 'search', hosts: ['sogou.com'], aliases: ['sogou'] },
  { name: '360 Search', kind: 'search', hosts: ['so.com'] },
  { name: 'Ask', kind: 'search', hosts: ['ask.com'], aliases: ['ask'] },
  { name: 'AOL', kind: 'search', hosts: ['search.aol.com', 'aol.com'], aliases: ['aol'] },
  { name: 'Mojeek', kind: 'search', hosts: ['mojeek.com'], aliases: ['mojeek'] },
  { name: 'Swisscows', kind: 'search', hosts: ['swisscows.com'] },
  { name: 'MetaGer', kind: 'search', hosts: ['metager.org', 'metager.de'] },
  { name: 'Petal Search', kind: 'search', hosts: ['petalsearch.com'] },
  { name: 'Dogpile', kind: 'search', hosts: ['dogpile.com'] },
  { name: 'Presearch', kind: 'search', hosts: ['presearch.com', 'presearch.org'] },
  // Social networks and communities
  {
    name: 'Facebook',
    kind: 'social',
    hosts: ['facebook.com', 'fb.com', 'fb.me', 'messenger.com', 'com.facebook.katana'],
    aliases: ['facebook', 'fb', 'meta'],
  },
  { name: 'Instagram', kind: 'social', hosts: ['instagram.com', 'com.instagram.android'], aliases: ['instagram', 'ig'] },
  { name: 'Twitter', kind: 'social', hosts: ['twitter.com', 't.co', 'x.com', 'com.twitter.android'], aliases: ['twitter', 'x', 'tw'] },
  { name: 'LinkedIn', kind: 'social', hosts: ['linkedin.com', 'lnkd.in', 'com.linkedin.android'], aliases: ['linkedin', 'li'] },
  { name: 'Reddit', kind: 'social', hosts: ['reddit.com', 'redd.it'], aliases: ['reddit'] },
  { name: 'Pinterest', kind: 'social', hosts: ['pinterest.*', 'pin.it'], aliases: ['pinterest'] },
  { name: 'TikTok', kind: 'social', hosts: ['tiktok.com'], aliases: ['tiktok'] },
  { name: 'YouTube', kind: 'social', hosts: ['youtube.com', 'youtu.be', 'com.google.android.youtube'], aliases: ['youtube', 'yt'] },
  { name: 'Hacker News', kind: 'social', hosts: ['news.ycombinator.com'], aliases: ['hackernews', 'hacker news', 'hn'] },
  {
    name: 'Mastodon',
    kind: 'social',
    hosts: ['mastodon.social', 'mastodon.online', 'mstdn.social', 'fosstodon.org', 'hachyderm.io'],
    aliases: ['mastodon'],
  },
  { name: 'Threads', kind: 'social', hosts: ['threads.net', 'threads.com'], aliases: ['threads'] },
  { name: 'Bluesky', kind: 'social', hosts: ['bsky.app'], aliases: ['bluesky', 'bsky'] },
  { name: 'Tumblr', kind: 'social', hosts: ['tumblr.com'], aliases: ['tumblr'] },
  { name: 'Quora', kind: 'social', hosts: ['quora.com'], aliases: ['quora'] },
  { name: 'VK', kind: 'social', hosts: ['vk.com', 'vk.ru'], aliases: ['vk', 'vkontakte'] },
  { name: 'Odnoklassniki', kind: 'social', hosts: ['ok.ru'] },
  { name: 'Weibo', kind: 'social', hosts: ['weibo.com', 'weibo.cn'], aliases: ['weibo'] },
  { name: 'Discord', kind: 'social', hosts: ['discord.com', 'discordapp.com', 'discord.gg'], aliases: ['discord'] },
  { name: 'Telegram', kind: 'social', hosts: ['t.me', 'telegram.org', 'org.telegram.messenger'], aliases: ['telegram'] },
  { name: 'WhatsApp', kind: 'social', hosts: ['whatsapp.com', 'wa.me', 'com.whatsapp'], aliases: ['whatsapp'] },
  { name: 'Snapchat', kind: 'social', hosts: ['snapchat.com'], aliases: ['snapchat'] },
  { name: 'Line', kind: 'social', hosts: ['line.me'] },
  { name: 'Xing', kind: 'social', hosts: ['xing.com'], aliases: ['xing'] },
  { name: 'Twitch', kind: 'social', hosts: ['twitch.tv'], aliases: ['twitch'] },
  { name: 'Product Hunt', kind: 'social', hosts: ['producthunt.com'], aliases: ['producthunt', 'product hunt'] },
  { name: 'Slack', kind: 'social', hosts: ['slack.com', 'com.slack'], aliases: ['slack'] },
  // Webmail: more specific than the search engine sharing their domain (mail.google.com)
  { name: 'Gmail', kind: 'email', hosts: ['mail.google.com', 'com.google.android.gm'], aliases: ['gmail'] },
  {
    name: 'Outlook',
    kind: 'email',
    hosts: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com', 'com.microsoft.office.outlook'],
    aliases: ['outlook'],
  },
  { name: 'Yahoo! Mail', kind: 'email', hosts: ['mail.yahoo.com'] },
  { name: 'Proton Mail', kind: 'email', hosts: ['mail.proton.me', 'mail.protonmail.com'] },
  { name: 'Fastmail', kind: 'email', hosts: ['app.fastmail.com'] },
  { name: 'Zoho Mail', kind: 'email', hosts: ['mail.zoho.com'] },
  { name: 'Yandex Mail', kind: 'email', hosts: ['mail.yandex.ru', 'mail.yandex.com'] },
];

const byHost = new Map<string, KnownSource>();
const byAlias = new Map<string, KnownSource>();
for (const s of KNOWN_SOURCES) {
  for (const h of s.hosts) byHost.set(h, s);
  byAlias.set(s.name.toLowerCase(), s);
  for (const a of s.aliases ?? []) byAlias.set(a, s);
}

// Labels of a public suffix are short (com, co, uk, com.au, co.jp); this tells "google.co.uk"
// from "google.example.com" without shipping the public suffix list.
function isSuffixLike(labels: string[], from: number): boolean {
  const n = labels.length - from;
  if (n < 1 || n > 2) return false;
  for (let i = from; i < labels.length; i++) if (labels[i].length > 3) return false;
  return true;
}

/** The known source a host (lower-case, no port) belongs to, most specific match first. */
export function sourceForHost(host: string): KnownSource | null {
  if (!host) return null;
  const labels = host.split('.');
  for (let i = 0; i < labels.length; i++) {
    const candidate = i === 0 ? host : labels.slice(i).join('.');
    const exact = byHost.get(candidate);
    if (exact) return exact;
    if (i < labels.length - 1 && isSuffixLike(labels, i + 1)) {
      const wild = byHost.get(`${labels[i]}.*`);
      if (wild) return wild;
    }
  }
  return null;
}

/** The known source a utm_source value names ("google", "fb", "news.ycombinator.com" …). */
export function sourceForUtm(utmSource: string): KnownSource | null {
  const v = utmSource.trim().toLowerCase();
  if (!v) return null;
  return byAlias.get(v) ?? (v.includes('.') ? sourceForHost(v.replace(/^www\./, '')) : null);
}
