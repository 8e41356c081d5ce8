// Side-effect and asset imports handled by Vite.
declare module '*.css';
declare module 'i18n-iso-countries/codes.json' {
  const codes: Array<[alpha2: string, alpha3: string, numeric: string, iso3166_2: string]>;
  export default codes;
}
declare module 'world-atlas/countries-110m.json' {
  const topology: unknown;
  export default topology;
}
declare module 'topojson-client' {
  export function feature(topology: unknown, object: unknown): { type: 'FeatureCollection'; features: GeoFeature[] };
  export interface GeoFeature {
    type: 'Feature';
    id?: string;
    properties: { name?: string };
    geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] } | null;
  }
}
