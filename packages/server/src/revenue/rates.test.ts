import { describe, expect, it } from 'vitest';
import { parseRates, RateTable } from './rates';

const ECB = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>
    <Cube time="2025-05-02">
      <Cube currency="USD" rate="1.1311"/>
      <Cube currency="JPY" rate="164.02"/>
      <Cube currency="GBP" rate="0.85"/>
    </Cube>
    <Cube time="2025-05-05"><Cube currency="USD" rate="1.1350"/></Cube>
  </Cube>
</gesmes:Envelope>`;

describe('exchange rates', () => {
  it('reads the ECB XML and CSVs (long and wide)', () => {
    expect(parseRates(ECB)).toHaveLength(4);
    expect(parseRates('date,currency,rate\n2025-05-02,USD,1.1311\n')).toEqual([{ currency: 'USD', day: '2025-05-02', per_eur: 1.1311 }]);
    expect(parseRates('Date,USD,JPY\n2025-05-02,1.1311,164.02\n')).toHaveLength(2);
    expect(() => parseRates('<html/>')).toThrow(/No rates/);
    expect(() => parseRates('a,b\n1,2\n')).toThrow(/No rates/);
  });

  it('converts at the day rate, the latest earlier day on a weekend, nothing without a rate', () => {
    const t = new RateTable(parseRates(ECB));
    expect(t.convert(1000, 'EUR', 'USD', '2025-05-02')).toBe(1131);
    expect(t.convert(1000, 'EUR', 'USD', '2025-05-04')).toBe(1131); // Sunday: Friday's rate
    expect(t.convert(1000, 'EUR', 'USD', '2025-05-05')).toBe(1135);
    expect(t.convert(16_402, 'JPY', 'EUR', '2025-05-02')).toBe(10_000); // JPY has no minor unit
    expect(t.convert(500, 'CHF', 'USD', '2025-05-02')).toBeNull();
    expect(t.convert(500, 'CHF', 'CHF', '2025-05-02')).toBe(500);
  });
});
