import { countryName } from '../lib/countries';
import { goalNames } from '../api/goals';

/** How a dimension value reads: country codes become names, empty values get a placeholder. */
export function DimensionValue({ dimension, value }: { dimension: string; value: string }) {
  if (value === '')
    return (
      <span className="muted">
        {dimension === 'source' || dimension === 'channel' || dimension === 'referrer' ? 'Direct / none' : '(none)'}
      </span>
    );
  if (dimension === 'country') return <>{countryName(value)}</>;
  if (dimension === 'goal') return <>{goalNames.get(value) ?? value}</>;
  return <>{value}</>;
}
