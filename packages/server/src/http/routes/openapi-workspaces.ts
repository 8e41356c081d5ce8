import type { OpenApiSection } from './openapi-document';
import { workspaceCreateSchema, workspaceSchema } from './workspaces';

/** MetricPal's workspace API: workspaces are sites, their API keys site-scoped write keys. */
export const workspacesOpenApi: OpenApiSection = (t) => {
  const workspace = t.schema('Workspace', workspaceSchema, 'output');
  // The key may also come as `X-API-Key` (MetricPal clients send it there).
  const security = [{ bearerAuth: [] }, { sessionCookie: [] }];
  return {
    '/api/v1/workspaces': {
      get: {
        tags: ['Workspaces'],
        summary: "The caller's workspaces (sites); a site-scoped key sees its own",
        security,
        responses: { 200: t.json({ type: 'array', items: workspace }), ...t.errors(401, 403) },
      },
      post: {
        tags: ['Workspaces'],
        summary: 'Create a workspace: a site and a write key scoped to it (returned once as api_key)',
        security,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: t.schema('WorkspaceCreate', workspaceCreateSchema, 'input') } },
        },
        responses: { 201: t.json(workspace, 'Created'), ...t.errors(400, 401, 403) },
      },
    },
  };
};
