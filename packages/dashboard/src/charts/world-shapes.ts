import { feature } from 'topojson-client';
import topology from 'world-atlas/countries-110m.json';
import { alpha2FromNumeric } from '../lib/countries';
import { featurePath } from './project';

export interface CountryShape {
  code: string;
  name: string;
  d: string;
}

/** Natural Earth 1:110m country outlines (world-atlas), projected once. Loaded lazily with the map. */
export const COUNTRY_SHAPES: CountryShape[] = feature(topology, (topology as { objects: { countries: unknown } }).objects.countries)
  .features.filter((f) => f.id !== '010')
  .map((f) => ({ code: alpha2FromNumeric(f.id) ?? '', name: f.properties.name ?? '', d: featurePath(f) }))
  .filter((s) => s.d);
