import type { GeoInfo } from '../lib/geo';
import { endUserIp } from '../lib/end-user';
import type { NamedStep } from '../types';

/** Country, region and city from the IP; the IP itself goes no further than this lookup. */
export const geoStep: NamedStep = {
  name: 'geo',
  run: (ev, ctx) => {
    const ip = endUserIp(ev, ctx);
    if (!ip) return ev;
    const key = `geo\n${ip}`;
    let g = ctx.memo.get(key) as GeoInfo | undefined;
    if (!g) {
      g = ctx.services.geo.lookup(ip);
      ctx.memo.set(key, g);
    }
    ev.country = g.country;
    ev.region = g.region;
    ev.city = g.city;
    return ev;
  },
};
