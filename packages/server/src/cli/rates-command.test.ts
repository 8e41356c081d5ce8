import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMetaStore } from '../meta';
import { ratesCommand } from './rates-command';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('tidemark rates import', () => {
  it('loads an ECB file into the metadata store; a second import of the same days replaces them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-rates-'));
    dirs.push(dir);
    const file = path.join(dir, 'eurofxref.xml');
    const xml = (usd: string) =>
      `<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"><Cube><Cube time="2025-05-02"><Cube currency="USD" rate="${usd}"/><Cube currency="JPY" rate="164.02"/></Cube></Cube></gesmes:Envelope>`;
    fs.writeFileSync(file, xml('1.1311'));
    const lines: string[] = [];
    const env = { TIDEMARK_DATA_DIR: dir, TIDEMARK_SECRET: 'x'.repeat(40) };
    await ratesCommand(['import', file], (l) => lines.push(l), env);
    fs.writeFileSync(file, xml('1.2'));
    await ratesCommand(['import', file], (l) => lines.push(l), env);
    expect(lines[0]).toContain('imported 2 rates');
    const meta = await openMetaStore({ dataDir: dir });
    try {
      expect(await meta.siteRevenue.rates()).toEqual([
        { currency: 'JPY', day: '2025-05-02', per_eur: 164.02 },
        { currency: 'USD', day: '2025-05-02', per_eur: 1.2 },
      ]);
    } finally {
      await meta.close();
    }
    await expect(ratesCommand(['import'], () => undefined, env)).rejects.toThrow(/usage/);
  });
});
