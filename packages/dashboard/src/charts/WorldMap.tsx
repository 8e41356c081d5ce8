import { COUNTRY_SHAPES } from './world-shapes';
import { MAP_H, MAP_W } from './project';
import { countryName } from '../lib/countries';
import { formatNumber } from '../lib/format';

/**
 * Choropleth of visitors per country. Shading uses five CSS classes (no inline styles). Clicking a
 * country filters by it; the list beside the map is the keyboard and screen-reader path to the same data.
 */
export default function WorldMap({ values, onPick }: { values: Map<string, number>; onPick: (code: string) => void }) {
  const max = Math.max(1, ...values.values());
  const level = (v: number) => (v <= 0 ? 0 : Math.min(5, 1 + Math.floor((Math.log(v) / Math.log(max + 1)) * 5)));
  return (
    <svg
      className="world-map"
      viewBox={`0 0 ${MAP_W} ${MAP_H}`}
      role="img"
      aria-label="Visitors by country (map; the table view lists the same numbers)"
    >
      {COUNTRY_SHAPES.map((c) => {
        const v = c.code ? (values.get(c.code) ?? 0) : 0;
        return (
          // Clicking a country filters by it; the table view beside the map offers the same by keyboard.
          // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut with a keyboard equivalent
          <path
            key={`${c.code}-${c.name}`}
            d={c.d}
            className={`country level-${level(v)}`}
            onClick={v > 0 && c.code ? () => onPick(c.code) : undefined}
          >
            <title>{`${c.code ? countryName(c.code) : c.name}: ${formatNumber(v)} visitors`}</title>
          </path>
        );
      })}
    </svg>
  );
}
