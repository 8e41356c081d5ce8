import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The CI checks of issue 24 (.ci/run): production dependencies admit the declared Node floor, and npm
// audit fails on high/critical advisories but passes, saying so, when the registry does not answer.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-supply-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const node = (script: string, args: string[]) =>
  spawnSync(process.execPath, [path.join(repo, '.ci', script), ...args], { cwd: repo, encoding: 'utf8', timeout: 30_000 });
const write = (name: string, value: unknown) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
};

describe('production dependencies and the Node floor', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8'));

  it('every production package of the lockfile admits the declared floor, which is a Node 20', () => {
    expect(lock.packages[''].engines.node).toMatch(/^>=20\./);
    const r = node('check-engines.mjs', []);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('fails when one production package requires a newer Node, and ignores dev-only ones', () => {
    const withBad = structuredClone(lock);
    withBad.packages['node_modules/cookie'] = { version: '2.0.2', engines: { node: '>=22' } };
    withBad.packages['node_modules/dev-only-tool'] = { version: '1.0.0', dev: true, engines: { node: '>=24' } };
    const r = node('check-engines.mjs', [write('lock-bad.json', withBad)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cookie@2.0.2 requires node >=22');
    expect(r.stderr).not.toContain('dev-only-tool');
  });
});

describe('npm audit in CI', () => {
  const report = (vulns: Record<string, { severity: string }>) => ({
    auditReportVersion: 2,
    vulnerabilities: Object.fromEntries(
      Object.entries(vulns).map(([name, v]) => [
        name,
        {
          name,
          severity: v.severity,
          range: '<9.9.9',
          via: [{ title: `${name} advisory`, url: `https://github.com/advisories/${name}` }],
          fixAvailable: true,
        },
      ]),
    ),
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: Object.keys(vulns).length } },
  });

  it('fails on a high or critical advisory', () => {
    const r = node('audit.mjs', ['--report', write('high.json', report({ 'some-lib': { severity: 'high' }, other: { severity: 'low' } }))]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('some-lib (high');
    expect(r.stderr).not.toContain('other (');
    expect(node('audit.mjs', ['--report', write('critical.json', report({ x: { severity: 'critical' } }))]).status).toBe(1);
  });

  it('passes on lower severities, and says so when the registry did not answer', () => {
    expect(node('audit.mjs', ['--report', write('moderate.json', report({ m: { severity: 'moderate' } }))]).status).toBe(0);
    const r = node('audit.mjs', [
      '--report',
      write('error.json', {
        message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
        error: { summary: '' },
      }),
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/did not answer.*405 Method Not Allowed.*NOT checked/);
  });
});
