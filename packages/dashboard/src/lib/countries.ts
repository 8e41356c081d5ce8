import codes from 'i18n-iso-countries/codes.json';

let names: Intl.DisplayNames | null = null;
try {
  names = new Intl.DisplayNames(undefined, { type: 'region' });
} catch {
  names = null;
}

/** "FR" -> "France" in the reader's language (the browser knows the names). */
export function countryName(alpha2: string): string {
  if (!/^[A-Za-z]{2}$/.test(alpha2)) return alpha2;
  try {
    return names?.of(alpha2.toUpperCase()) ?? alpha2;
  } catch {
    return alpha2;
  }
}

const numericToAlpha2 = new Map(codes.map(([a2, , num]) => [num, a2]));

/** World-atlas shapes are keyed by ISO 3166-1 numeric codes; events carry alpha-2 codes. */
export function alpha2FromNumeric(numeric: string | undefined): string | undefined {
  return numeric ? numericToAlpha2.get(numeric.padStart(3, '0')) : undefined;
}
