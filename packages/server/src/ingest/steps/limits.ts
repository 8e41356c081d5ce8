import { INGEST_LIMITS as L } from '@tidemark/core';
import { drop } from '../drop';
import type { NamedStep } from '../types';

/** UTF-8 length is at most 3 bytes per UTF-16 unit, so most strings are judged without encoding them. */
function bytesOver(s: string, max: number): boolean {
  if (s.length * 3 <= max) return false;
  if (s.length > max) return true;
  return Buffer.byteLength(s, 'utf8') > max;
}

/** Size limits of INGEST_LIMITS; an event over any of them is quarantined, not truncated. */
export const limitsStep: NamedStep = {
  name: 'limits',
  run: (ev, ctx) => {
    if (ev.name.length > L.nameChars)
      return drop('name_too_long', `name is ${ev.name.length} characters, at most ${L.nameChars} allowed`, 'name');
    if (ev.url.length > L.urlChars) return drop('url_too_long', `url is ${ev.url.length} characters, at most ${L.urlChars} allowed`, 'url');
    let count = 0;
    for (const key in ev.props) {
      if (++count > L.props) return drop('too_many_props', `more than ${L.props} properties`, 'properties');
      if (bytesOver(key, L.propKeyBytes))
        return drop('prop_key_too_long', `property key longer than ${L.propKeyBytes} bytes`, `properties.${key.slice(0, 40)}`);
      if (bytesOver(ev.props[key], L.propValueBytes))
        return drop('prop_value_too_long', `property value longer than ${L.propValueBytes} bytes`, `properties.${key}`);
    }
    if (ctx.bodyBytes > L.eventBytes && ev.input !== undefined) {
      let size: number;
      try {
        size = Buffer.byteLength(JSON.stringify(ev.input) ?? '', 'utf8');
      } catch {
        return drop('event_too_large', 'event is nested too deeply to measure');
      }
      if (size > L.eventBytes) return drop('event_too_large', `event is ${size} bytes, at most ${L.eventBytes} allowed`);
    }
    return ev;
  },
};
