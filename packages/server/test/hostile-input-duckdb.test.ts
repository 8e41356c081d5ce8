import { encodeWithPropsText } from './helpers/events';
import { runHostileInputSuite } from './hostile-input-suite';

// The hostile-input suite on the embedded engine. A row "from before the guard" is written encoded, as
// the collector thread hands events over, with props as JSON.stringify wrote them before text was made well-formed.
runHostileInputSuite('DuckDB', async () => ({
  overrides: {},
  writeUnguarded: async (store, event) => {
    await store.write({
      events: [],
      encoded: encodeWithPropsText([{ event, props: JSON.stringify(event.props) }]),
      raw: [],
      quarantine: [],
      drops: [],
    });
  },
}));
