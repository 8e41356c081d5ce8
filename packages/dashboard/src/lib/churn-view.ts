/** The Churn & lifetime value page's view state in the URL: the page of the at-risk list (`?p=`, from 0). */
export interface ChurnView {
  page: number;
}

export const AT_RISK_PAGE_SIZE = 20;

export function parseChurnView(search: string): ChurnView {
  const p = Number(new URLSearchParams(search).get('p') ?? '0');
  return { page: Number.isInteger(p) && p >= 0 && p < 100_000 ? p : 0 };
}

export function serializeChurnView(v: ChurnView): string {
  return v.page ? `?p=${v.page}` : '';
}

/** A probability as a percentage with one decimal. */
export const asPercent = (p: number | null | undefined) => (p === null || p === undefined ? '–' : `${Math.round(p * 1000) / 10}%`);
