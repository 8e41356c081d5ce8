import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/server';

type Started = Awaited<ReturnType<typeof startTestServer>>;

describe('GET /health', () => {
  let s: Started | undefined;
  afterEach(async () => {
    await s?.cleanup().catch(() => undefined); // a test may have closed a store already
    s = undefined;
  });

  it('reports every dependency of the embedded mode', async () => {
    s = await startTestServer();
    const res = await fetch(`${s.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; events: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(body.events).toBe('duckdb');
    expect(Object.keys(body.checks).sort()).toEqual(['events', 'metadata']);
    expect(body.checks.events.status).toBe('ok');
    expect(body.checks.metadata.status).toBe('ok');
  });

  it('answers 503 and names the dependency that is down', async () => {
    s = await startTestServer();
    await s.ctx.meta.close(); // the metadata database goes away under a running server
    const res = await fetch(`${s.url}/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; error?: string }> };
    expect(body.status).toBe('degraded');
    expect(body.checks.metadata.status).toBe('error');
    expect(body.checks.events.status).toBe('ok');
  });
});
