import type { SaltStore } from '../../meta';

const DAY_MS = 86_400_000;

export interface DaySalt {
  day: string; // YYYY-MM-DD (UTC)
  salt: string;
}

/** Today's salt and yesterday's: sessions that started before midnight keep their visitor id. */
export interface SaltPair {
  current: DaySalt;
  previous: DaySalt | null;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Holds the daily salts in memory. The store creates each day's salt atomically (several collector
 * processes agree on it); this keeper asks it once per day, and on the day's first use deletes salts
 * older than yesterday's, so no salt outlives 48 hours.
 */
export class SaltKeeper {
  private dayIndex = -1;
  private pair: SaltPair | null = null;
  private loading: Promise<{ index: number; pair: SaltPair }> | null = null;
  /** The latest deletion of expired salts (runs in the background; exposed so it can be awaited). */
  cleanup: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SaltStore,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** The pair for `now` when already loaded: the hot path does no async work. */
  peek(now: number): SaltPair | null {
    return Math.floor(now / DAY_MS) === this.dayIndex ? this.pair : null;
  }

  async get(now: number): Promise<SaltPair> {
    const index = Math.floor(now / DAY_MS);
    for (;;) {
      if (index === this.dayIndex && this.pair) return this.pair;
      this.loading ??= this.load(index).finally(() => {
        this.loading = null;
      });
      const loaded = await this.loading;
      // Another request's load may have been for another day (midnight passed meanwhile): go again.
      if (loaded.index === index) return loaded.pair;
    }
  }

  private async load(index: number): Promise<{ index: number; pair: SaltPair }> {
    const today = utcDay(index * DAY_MS);
    const yesterday = utcDay((index - 1) * DAY_MS);
    const [current, previous] = await Promise.all([this.store.getOrCreate(today), this.store.getOrCreate(yesterday)]);
    const pair: SaltPair = { current: { day: today, salt: current }, previous: { day: yesterday, salt: previous } };
    if (index >= this.dayIndex) {
      this.dayIndex = index;
      this.pair = pair;
    }
    this.cleanup = this.store.deleteBefore(yesterday).then(() => undefined, this.onError);
    return { index, pair };
  }
}
