import { drop } from '../drop';
import { isUuid, uuidv7 } from '../lib/uuid';
import type { NamedStep } from '../types';

/** The client's event id (the dedupe key across retries) when it sent one, else a new UUIDv7. */
export const eventIdStep: NamedStep = {
  name: 'event-id',
  run: (ev) => {
    if (!ev.event_id) {
      ev.event_id = uuidv7(ev.ts);
      return ev;
    }
    if (!isUuid(ev.event_id)) return drop('invalid_event_id', 'event_id must be a UUID', 'event_id');
    ev.event_id = ev.event_id.toLowerCase();
    return ev;
  },
};
