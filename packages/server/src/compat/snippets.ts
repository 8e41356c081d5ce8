import type { DropinSnippets } from '@tidemark/core';

/**
 * What a site owner switching from Plausible or Umami changes: only where their client sends. Their
 * own scripts stay (Plausible's `data-api`, Umami's `data-host-url` name the collector); the values
 * here are a validated domain, a UUID and the server's origin.
 */
export function dropinSnippets(origin: string, site: { domain: string; umami_website_id: string }): DropinSnippets {
  const endpoint = `${origin}/api/event`;
  return {
    plausible: {
      domain: site.domain,
      endpoint,
      script: `<script defer data-domain="${site.domain}" data-api="${endpoint}" src="https://plausible.io/js/script.js"></script>`,
      npm: `init({ domain: '${site.domain}', endpoint: '${endpoint}' })`,
    },
    umami: {
      website_id: site.umami_website_id,
      host_url: origin,
      script: `<script defer src="https://cloud.umami.is/script.js" data-website-id="${site.umami_website_id}" data-host-url="${origin}"></script>`,
      node: `new Umami({ websiteId: '${site.umami_website_id}', hostUrl: '${origin}' })`,
    },
  };
}
