export { MemoryCounterStore, type CounterStore, type CounterWindow } from './counters';
