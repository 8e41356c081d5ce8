/**
 * Fixed-window counters behind one small interface, so login throttling and key rate limits can move
 * from process memory to Redis (INCR + PEXPIRE) without touching their callers.
 */
export interface CounterWindow {
  count: number;
  resetAt: number; // ms when the window ends
}

export interface CounterStore {
  /** Adds `by` (default one) to `key`'s current window (opened now, `windowMs` long, when none is open). */
  incr(key: string, windowMs: number, by?: number): Promise<CounterWindow>;
  /** The current window of `key`, or null when none is open. */
  peek(key: string): Promise<CounterWindow | null>;
  reset(key: string): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, CounterWindow>();
  private lastSweep = Date.now();

  async incr(key: string, windowMs: number, by = 1): Promise<CounterWindow> {
    const now = Date.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count += by;
    return { ...w };
  }

  async peek(key: string): Promise<CounterWindow | null> {
    const w = this.windows.get(key);
    if (!w || w.resetAt <= Date.now()) return null;
    return { ...w };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /**
   * Drops closed windows now and then so memory stays bounded by recent traffic. At most once a second
   * even when many windows are open (a flood from many addresses): sweeping on every call would cost
   * each request a pass over all of them.
   */
  private sweep(now: number): void {
    if (now - this.lastSweep < (this.windows.size < 50_000 ? 60_000 : 1_000)) return;
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}
