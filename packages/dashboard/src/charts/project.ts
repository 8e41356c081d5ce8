import type { GeoFeature } from 'topojson-client';

/**
 * Equirectangular projection of GeoJSON polygons to an SVG path. Latitudes are clipped to the band
 * people live in (roughly 58°S–84°N), which drops Antarctica and keeps the map wide and short.
 */
export const MAP_W = 960;
export const MAP_H = 460;
const LAT_TOP = 84;
const LAT_BOTTOM = -58;

function point([lon, lat]: number[]): string {
  const x = ((lon + 180) / 360) * MAP_W;
  const y = ((LAT_TOP - Math.max(LAT_BOTTOM, Math.min(LAT_TOP, lat))) / (LAT_TOP - LAT_BOTTOM)) * MAP_H;
  return `${x.toFixed(1)},${y.toFixed(1)}`;
}

/** A ring that jumps across the antimeridian (Fiji, Chukotka) is drawn as open pieces, not a band across the map. */
function ring(coords: number[][]): string {
  if (!coords.length) return '';
  let d = `M${point(coords[0])}`;
  let wrapped = false;
  for (let i = 1; i < coords.length; i++) {
    const jump = Math.abs(coords[i][0] - coords[i - 1][0]) > 180;
    wrapped ||= jump;
    d += `${jump ? 'M' : 'L'}${point(coords[i])}`;
  }
  return wrapped ? d : `${d}Z`;
}

export function featurePath(f: GeoFeature): string {
  const g = f.geometry;
  if (!g) return '';
  if (g.type === 'Polygon') return g.coordinates.map(ring).join('');
  return g.coordinates.map((poly) => poly.map(ring).join('')).join('');
}
