import { DuckDbEventStore, type EventStore } from '../../src/store';

/** Records the statements a service runs, so tests can tell which source they read. */
export function recording(store: EventStore): { reader: EventStore; statements: string[] } {
  const statements: string[] = [];
  const reader = Object.create(store) as EventStore;
  reader.query = (sql, params) => {
    statements.push(sql);
    return store.query(sql, params);
  };
  return { reader, statements };
}

/** The store module's embedded DuckDB event store, in memory, schema created. */
export async function openLocalDuckDbStore(): Promise<EventStore> {
  const store = await DuckDbEventStore.open(':memory:');
  await store.init();
  return store;
}
