/** Installation snippets shown to site owners (README "Installation"). */

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const js = (s: string) => JSON.stringify(s).replace(/</g, '\\u003c');

/** `<script defer src="{origin}/t.js" data-site="{trackingId}"></script>` */
export function trackerSnippet(origin: string, trackingId: string): string {
  return `<script defer src="${attr(origin.replace(/\/+$/, ''))}/t.js" data-site="${attr(trackingId)}"></script>`;
}

/** Asynchronous loader with a command queue: calls made before t.js arrives are replayed once it loads. */
export function trackerLoaderSnippet(origin: string, trackingId: string): string {
  const src = js(origin.replace(/\/+$/, '') + '/t.js');
  return [
    '<script>',
    '  (function(w,d,n,u){w[n]=w[n]||function(){(w[n].q=w[n].q||[]).push(arguments)};',
    "  var s=d.createElement('script');s.async=1;s.src=u;d.head.appendChild(s)",
    `  })(window,document,'tidemark',${src});`,
    `  tidemark('init', ${js(trackingId)});`,
    '</script>',
  ].join('\n');
}

/**
 * A site with a consent mode loads t.consent.js instead (docs/consent.md): it asks first and adds t.js itself
 * (`required`: only after analytics consent; `optional-upgrade`: at once, cookieless until consent).
 */
export function consentSnippet(origin: string, trackingId: string, mode: 'required' | 'optional-upgrade'): string {
  return `<script defer src="${attr(origin.replace(/\/+$/, ''))}/t.consent.js" data-site="${attr(trackingId)}" data-consent="${mode}"></script>`;
}
