import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context';
import { buildOpenApiDocument } from './openapi-document';
import { OPENAPI_SECTIONS } from './openapi-sections';

/**
 * `GET /v1/openapi.json` (the OpenAPI 3.1 document) and `GET /v1/docs`, a self-contained reference
 * page rendered on the server: no scripts, no external resources; its one stylesheet is allowed by
 * hash in the page's Content-Security-Policy. Both are public, like any API reference.
 */
export function openApiRoutes(app: FastifyInstance, _ctx: AppContext): void {
  const doc = buildOpenApiDocument(undefined, OPENAPI_SECTIONS);
  const body = JSON.stringify(doc);
  const page = renderDocsPage(doc);

  app.get('/v1/openapi.json', async (_req, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(body),
  );

  app.get('/v1/docs', async (_req, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', page.csp)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .header('x-frame-options', 'DENY')
      .send(page.html),
  );
}

type Json = Record<string, unknown>;

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd}h3{font-family:ui-monospace,monospace;font-size:1rem}
.m{display:inline-block;min-width:3.5rem;padding:0 .4rem;border-radius:3px;color:#fff;text-align:center;font-size:.8rem}
.get{background:#2f6f4f}.post{background:#1f4f8f}table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}code,pre{font-family:ui-monospace,monospace;font-size:.85rem}
pre{background:#f6f6f6;padding:.8rem;overflow:auto}nav a{margin-right:1rem}`;

function schemaSummary(s: Json | undefined): string {
  if (!s) return '';
  if (typeof s.$ref === 'string') return s.$ref.split('/').pop() as string;
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const parts = [String(s.type ?? 'any')];
  if (s.pattern) parts.push(`pattern ${String(s.pattern)}`);
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${String(s.minimum ?? '')}…${String(s.maximum ?? '')}`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join(', ');
}

function renderOperation(method: string, path: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[];
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td><code>${esc(schemaSummary(p.schema as Json))}</code></td><td>${esc(p.description)}</td></tr>`,
    )
    .join('');
  const body = op.requestBody as { content?: Record<string, { schema?: Json }> } | undefined;
  const bodySchema = body?.content?.['application/json']?.schema;
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>)
    .map(([code, r]) => {
      const content = r.content as Record<string, { schema?: Json }> | undefined;
      const schema = content ? Object.values(content)[0]?.schema : undefined;
      return `<tr><td>${esc(code)}</td><td>${esc(r.description)}</td><td><code>${esc(schemaSummary(schema))}</code></td></tr>`;
    })
    .join('');
  return `<section id="${esc(op.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> ${esc(path)}</h3>
<p>${esc(op.summary)}</p>${op.description ? `<p>${esc(op.description)}</p>` : ''}
${rows ? `<table><tr><th>Parameter</th><th>In</th><th>Required</th><th>Schema</th><th>Description</th></tr>${rows}</table>` : ''}
${bodySchema ? `<p>Request body (application/json): <code>${esc(schemaSummary(bodySchema))}</code></p>` : ''}
<table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>${responses}</table>
</section>`;
}

export function renderDocsPage(doc: Json): { html: string; csp: string } {
  const info = doc.info as Json;
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      ops.push(renderOperation(method, path, op));
      toc.push(`<li><a href="#${esc(op.operationId)}">${esc(method.toUpperCase())} ${esc(path)}</a></li>`);
    }
  }
  const schemas = Object.entries(((doc.components as Json).schemas ?? {}) as Record<string, Json>)
    .map(([name, s]) => `<h3 id="schema-${esc(name)}">${esc(name)}</h3><pre>${esc(JSON.stringify(s, null, 2))}</pre>`)
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} reference</title><style>${STYLE}</style></head>
<body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${esc(info.description)}</p>
<nav><a href="/v1/openapi.json">OpenAPI document (JSON)</a></nav>
<h2>Operations</h2><ul>${toc.join('')}</ul>
${ops.join('\n')}
<h2>Schemas</h2>
${schemas}
</body></html>`;
  const hash = crypto.createHash('sha256').update(STYLE).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  return { html, csp };
}
