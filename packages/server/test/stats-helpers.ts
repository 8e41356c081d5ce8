import { DuckDbEventStore, type EventStore } from '../src/store';

/** The store module's embedded DuckDB event store, in memory, schema created. */
export async function openLocalDuckDbStore(): Promise<EventStore> {
  const store = await DuckDbEventStore.open(':memory:');
  await store.init();
  return store;
}
