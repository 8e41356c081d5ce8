import { describe, expect, it } from 'vitest';
import { checkRoleConfig, parseRoleFlag, servesRoute } from './roles';

describe('process roles', () => {
  it('routes collection to collectors and everything else to api nodes', () => {
    for (const url of ['/api/collect', '/api/collect/heatmap', '/api/v1/collect', '/api/v1/collect/optimized', '/api/v1/collect/health']) {
      expect(servesRoute('collector', url)).toBe(true);
      expect(servesRoute('api', url)).toBe(false);
    }
    // The seed and compatibility contracts collect; their analytics read and the public /v1 API are api routes.
    for (const url of [
      '/api/tracking/events',
      '/api/tracking/events.js',
      '/api/tracking/test',
      '/api/analytics/track',
      '/v1/batch',
      '/v1/track',
      '/v1/alias',
    ]) {
      expect(servesRoute('collector', url)).toBe(true);
      expect(servesRoute('api', url)).toBe(false);
    }
    for (const url of ['/api/tracking/analytics', '/v1/sites', '/v1/sites/:id/events', '/v1/batches']) {
      expect(servesRoute('collector', url)).toBe(false);
      expect(servesRoute('api', url)).toBe(true);
    }
    for (const url of ['/api/sites', '/api/sites/:id/stats', '/v1/query', '/api/auth/login', '/*', '/']) {
      expect(servesRoute('collector', url)).toBe(false);
      expect(servesRoute('api', url)).toBe(true);
    }
    expect(servesRoute('collector', '/t.js')).toBe(true);
    expect(servesRoute('api', '/t.js')).toBe(true);
    expect(servesRoute('worker', '/t.js')).toBe(false);
    expect(servesRoute('collector', '/api/collected-things')).toBe(false);
    for (const role of ['all', 'collector', 'worker', 'api', 'jobs'] as const) expect(servesRoute(role, '/health')).toBe(true);
    expect(servesRoute('worker', '/api/collect')).toBe(false);
    expect(servesRoute('jobs', '/api/sites')).toBe(false);
    expect(servesRoute('all', '/api/collect')).toBe(true);
  });

  it('routes the drop-in collectors to collectors, the Plausible-compatible Stats API to api nodes', () => {
    for (const url of ['/api/event', '/api/send', '/api/batch']) {
      expect(servesRoute('collector', url)).toBe(true);
      expect(servesRoute('api', url)).toBe(false);
    }
    expect(servesRoute('collector', '/api/v2/query')).toBe(false);
    expect(servesRoute('api', '/api/v2/query')).toBe(true);
    expect(servesRoute('collector', '/js/script.js')).toBe(true);
    expect(servesRoute('api', '/js/script.hash.js')).toBe(true);
    expect(servesRoute('collector', '/api/events')).toBe(false);
  });

  it('reads --role from the command line', () => {
    expect(parseRoleFlag(['--role=worker'])).toBe('worker');
    expect(parseRoleFlag(['--port', '1', '--role', 'api'])).toBe('api');
    expect(parseRoleFlag([])).toBeUndefined();
    expect(() => parseRoleFlag(['--role=boss'])).toThrow(/one of all, collector, worker, api, jobs/);
  });

  it('refuses roles that cannot work with the configured engines', () => {
    const ok = { eventsUrl: 'clickhouse://h/db', databaseUrl: 'postgres://h/db', redisUrl: 'redis://h' };
    expect(() => checkRoleConfig({ role: 'all', eventsUrl: undefined, databaseUrl: undefined, redisUrl: undefined })).not.toThrow();
    expect(() => checkRoleConfig({ role: 'collector', ...ok })).not.toThrow();
    expect(() => checkRoleConfig({ role: 'api', ...ok, redisUrl: undefined })).not.toThrow();
    expect(() => checkRoleConfig({ role: 'api', ...ok, eventsUrl: undefined })).toThrow(/TIDEMARK_EVENTS_URL=clickhouse/);
    expect(() => checkRoleConfig({ role: 'jobs', ...ok, databaseUrl: undefined })).toThrow(/DATABASE_URL/);
    expect(() => checkRoleConfig({ role: 'worker', ...ok, redisUrl: undefined })).toThrow(/REDIS_URL/);
    expect(() => checkRoleConfig({ role: 'collector', ...ok, redisUrl: undefined })).toThrow(/REDIS_URL/);
  });
});
