import { describe } from 'vitest';
import { EVENT_COLUMNS } from '@tidemark/core';
import { ClickHouseEventStore, ClickHouseHttp, parseClickHouseUrl } from '../src/store';
import { runHostileInputSuite } from './hostile-input-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';

// The hostile-input suite with the server's events in ClickHouse. A row "from before the guard" is
// inserted as releases before it wrote rows: props as JSON.stringify wrote them.
const status = await clickhouseAvailable('hostile-input-clickhouse');
if (status.ok) {
  runHostileInputSuite('ClickHouse', async () => {
    const url = clickhouseDatabaseUrl(uniqueName('tidemark_hostile'));
    const http = new ClickHouseHttp(parseClickHouseUrl(url));
    return {
      overrides: { eventsUrl: url },
      writeUnguarded: async (_store, event) => {
        const row = { ...event, props: JSON.stringify(event.props) };
        await http.insert(
          'events',
          EVENT_COLUMNS.map((c) => c.name),
          [row],
        );
      },
      cleanup: () => new ClickHouseEventStore(url).dropDatabase().catch(() => undefined),
    };
  });
} else describe.skip(`hostile input on ClickHouse (${status.reason})`, () => {});
