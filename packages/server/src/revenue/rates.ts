import { XMLParser } from 'fast-xml-parser';
import { parse as parseCsv } from 'csv-parse/sync';
import { badRequest } from '@tidemark/core';
import type { ExchangeRate } from '../meta';

/**
 * Exchange rates, as the European Central Bank publishes them: units of each currency per euro, per day.
 * Totals in a site's reporting currency convert each amount at the rate of its day (the latest earlier
 * day when that day has none, e.g. a weekend); an amount whose currency has no rate is reported apart.
 */

const CURRENCY = /^[A-Z]{3}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The ECB's daily (or historical) reference-rate XML: Cube time="…" > Cube currency="USD" rate="1.0834". */
export function parseEcbXml(text: string): ExchangeRate[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: false }).parse(text) as Record<
    string,
    unknown
  >;
  const envelope = (doc['gesmes:Envelope'] ?? doc.Envelope) as { Cube?: { Cube?: unknown } } | undefined;
  const days = list(envelope?.Cube?.Cube);
  const out: ExchangeRate[] = [];
  for (const d of days) {
    const day = String((d as { time?: unknown }).time ?? '');
    if (!DAY.test(day)) continue;
    for (const c of list((d as { Cube?: unknown }).Cube)) {
      const r = c as { currency?: unknown; rate?: unknown };
      const currency = String(r.currency ?? '').toUpperCase();
      const rate = Number(r.rate);
      if (CURRENCY.test(currency) && rate > 0 && Number.isFinite(rate)) out.push({ currency, day, per_eur: rate });
    }
  }
  if (!out.length) throw badRequest('invalid_rates', 'No rates found: expected the ECB reference-rate XML (Cube time / currency / rate)');
  return out;
}

/**
 * CSV with a header: `date,currency,rate` (units per euro), or the ECB's wide CSV (`Date,USD,JPY,…`, one
 * row per day).
 */
export function parseRatesCsv(text: string): ExchangeRate[] {
  const rows = parseCsv(text, {
    columns: (h: string[]) => h.map((c) => c.trim()),
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  }) as Array<Record<string, string>>;
  const out: ExchangeRate[] = [];
  for (const row of rows) {
    const day = row.date ?? row.Date ?? row.day ?? '';
    if (!DAY.test(day)) continue;
    if (row.currency !== undefined) {
      const currency = row.currency.toUpperCase();
      const rate = Number(row.rate ?? row.per_eur);
      if (CURRENCY.test(currency) && rate > 0) out.push({ currency, day, per_eur: rate });
      continue;
    }
    for (const [k, v] of Object.entries(row)) {
      const rate = Number(v);
      if (CURRENCY.test(k) && rate > 0) out.push({ currency: k, day, per_eur: rate });
    }
  }
  if (!out.length) throw badRequest('invalid_rates', 'No rates found: expected a CSV with date,currency,rate or Date,USD,JPY,…');
  return out;
}

export function parseRates(text: string): ExchangeRate[] {
  return text.trimStart().startsWith('<') ? parseEcbXml(text) : parseRatesCsv(text);
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Minor-unit digits of a currency (USD 2, JPY 0, BHD 3); 2 for one Intl does not know. */
export function minorDigits(currency: string): number {
  let digits = DIGITS.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    // Building a NumberFormat costs about a millisecond: remembered per code (a bounded set of valid codes, junk not kept).
    if (/^[A-Z]{3}$/.test(currency) && DIGITS.size < 1000) DIGITS.set(currency, digits);
  }
  return digits;
}
const DIGITS = new Map<string, number>();

/** Converts amounts between currencies with the loaded rates (EUR is 1 per euro by definition). */
export class RateTable {
  private readonly byCurrency = new Map<string, Array<{ day: string; per_eur: number }>>();

  constructor(rates: readonly ExchangeRate[]) {
    for (const r of rates) {
      const list = this.byCurrency.get(r.currency) ?? [];
      list.push({ day: r.day, per_eur: r.per_eur });
      this.byCurrency.set(r.currency, list);
    }
    for (const list of this.byCurrency.values()) list.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }

  /** Units of `currency` per euro on `day` (the latest day at or before it, else the earliest known); null when unknown. */
  perEur(currency: string, day: string): number | null {
    if (currency === 'EUR') return 1;
    const list = this.byCurrency.get(currency);
    if (!list?.length) return null;
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.day <= day) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return list[Math.max(found, 0)]!.per_eur;
  }

  /** `amount` minor units of `from` in minor units of `to` on `day`; null when a rate is missing. */
  convert(amount: number, from: string, to: string, day: string): number | null {
    if (from === to) return amount;
    const a = this.perEur(from, day);
    const b = this.perEur(to, day);
    if (a === null || b === null) return null;
    const major = amount / 10 ** minorDigits(from);
    return Math.round(((major * b) / a) * 10 ** minorDigits(to));
  }
}
