import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { csvField, toCsv } from './csv';

describe('csv', () => {
  it('round-trips quotes, commas, newlines and objects through a CSV parser', () => {
    const rows = [
      { a: 'plain', b: 'with "quotes", and comma', c: 'line\nbreak' },
      { a: null, b: { x: 1 }, c: 42 },
    ];
    const back = parse(toCsv(['a', 'b', 'c'], rows), { columns: true }) as Array<Record<string, string>>;
    expect(back).toEqual([
      { a: 'plain', b: 'with "quotes", and comma', c: 'line\r\nbreak'.replace('\r\n', '\n') },
      { a: '', b: '{"x":1}', c: '42' },
    ]);
  });
  it('defuses spreadsheet formulas', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
  });
});
