import type { Config } from '../config';
import { openGeoLookup } from './lib/geo';
import { MemorySessionCache } from './lib/session-cache';
import { UserAgentCache } from './lib/user-agent';
import type { IngestServices } from './types';

/** The collector's long-lived services: geolocation database, user agent cache, session cache. */
export async function openIngestServices(config: Pick<Config, 'geoDbPath'>, traitKey?: Buffer): Promise<IngestServices> {
  return {
    ...(traitKey ? { traitKey } : {}),
    geo: await openGeoLookup(config.geoDbPath),
    userAgents: new UserAgentCache(),
    sessions: new MemorySessionCache(),
  };
}
