const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat();

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return Math.abs(n) >= 10_000 ? compact.format(n) : whole.format(Math.round(n * 100) / 100);
}

/** A count in full, with the locale's grouping (a total in a sentence, where 20.3K would be vague). */
export function formatCount(n: number): string {
  return whole.format(n);
}

export function formatPercent(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return `${Math.round(n * 10) / 10}%`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function formatMetric(metric: string, n: number | null | undefined): string {
  if (metric === 'bounce_rate' || metric === 'conversion_rate' || metric === 'scroll_depth') return formatPercent(n);
  if (metric === 'visit_duration' || metric === 'avg_duration' || metric === 'avg_time') return formatDuration(n);
  if (metric === 'views_per_visit') return n === null || n === undefined ? '–' : (Math.round(n * 100) / 100).toFixed(2);
  return formatNumber(n);
}

export function formatDateTime(ms: number | null | undefined): string {
  if (!ms) return '–';
  return new Date(ms).toLocaleString();
}

/** Bucket labels from the timeseries: "2024-01-05" or "2024-01-05 13:00". */
export function formatBucket(date: string, interval: string): string {
  const d = new Date(date.length <= 10 ? `${date}T00:00:00` : date.replace(' ', 'T'));
  if (Number.isNaN(d.getTime())) return date;
  if (interval === 'hour' || interval === 'minute') return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (interval === 'month') return d.toLocaleDateString(undefined, { month: 'short', year: 'numeric' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** An amount in major units of an ISO currency ("$1,234.50", "¥3,000"). */
export function formatMoney(n: number | null | undefined, currency: string): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
}
