import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { parsePlausibleZip, plausibleTableOf } from './plausible';

describe('Plausible export', () => {
  it('knows its file names with and without the imported_ prefix and the date range', () => {
    expect(plausibleTableOf('imported_visitors_20240101_20241231.csv')).toBe('visitors');
    expect(plausibleTableOf('export/entry_pages_20240101_20241231.csv')).toBe('entry_pages');
    expect(plausibleTableOf('imported_operating_systems.csv')).toBe('operating_systems');
    expect(plausibleTableOf('imported_visitors_2024.csv')).toBeNull();
    expect(plausibleTableOf('visitors.txt')).toBeNull();
  });

  it('reads columns by name, tolerates missing and unknown ones, and sums repeated keys', async () => {
    const zip = zipSync({
      'imported_visitors.csv': strToU8('visitors,date,new_col\n3,2024-01-01,x\n'),
      'imported_sources.csv': strToU8(
        'date,source,visitors,visits,bounces,visit_duration\n2024-01-01,Google,2,3,1,30\n2024-01-01,Google,1,1,0,5\n',
      ),
      'imported_devices.csv': strToU8('date,device,visitors\n2024-01-01,Laptop,1\n2024-01-01,Desktop,2\n'),
    });
    const { rows, start, end, tables } = await parsePlausibleZip(zip);
    expect([start, end]).toEqual(['2024-01-01', '2024-01-01']);
    expect(tables.sort()).toEqual(['devices', 'sources', 'visitors']);
    const find = (dimension: string, value: string) => rows.find((r) => r.dimension === dimension && r.value === value);
    expect(find('', '')).toMatchObject({ visitors: 3, pageviews: 0, visits: 0 });
    expect(find('source', 'Google')).toMatchObject({ visitors: 3, visits: 4, bounces: 1, visit_duration: 35 });
    expect(find('device', 'desktop')).toMatchObject({ visitors: 3 });
    // Columns an older export lacks break nothing down.
    expect(rows.some((r) => r.dimension === 'browser_version' || r.dimension === 'hostname')).toBe(false);
  });

  it('fails with a reason on a bad date or count', async () => {
    const bad = (csv: string) => parsePlausibleZip(zipSync({ 'imported_visitors.csv': strToU8(csv) }));
    await expect(bad('date,visitors\n01/02/2024,3\n')).rejects.toThrow(/date must be YYYY-MM-DD/);
    await expect(bad('date,visitors\n2024-01-01,1e3\n')).rejects.toThrow(/whole number/);
    await expect(bad('visitors\n3\n')).rejects.toThrow(/no "date" column/);
    await expect(bad('')).rejects.toThrow(/empty/);
  });
});
