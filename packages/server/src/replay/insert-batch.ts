/**
 * Rows of concurrent appends gathered briefly into one INSERT (at scale: one ClickHouse part per batch
 * instead of per chunk). Each caller's promise settles only once the INSERT holding its row returned, so a
 * chunk is acknowledged only when it is durable; a failed INSERT fails every row in it (nothing acked).
 */
export class InsertBatch<Row> {
  private rows: Row[] = [];
  private bytes = 0;
  private waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly insert: (rows: Row[]) => Promise<void>,
    private readonly opts: { waitMs: number; maxRows: number; maxBytes: number; sizeOf: (row: Row) => number },
  ) {}

  add(row: Row): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.rows.push(row);
      this.bytes += this.opts.sizeOf(row);
      this.waiting.push({ resolve, reject });
      if (this.rows.length >= this.opts.maxRows || this.bytes >= this.opts.maxBytes) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.opts.waitMs);
    });
  }

  /** Inserts what is gathered now; resolves when that INSERT settled (its callers are told either way). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.rows;
    const waiting = this.waiting;
    this.rows = [];
    this.waiting = [];
    this.bytes = 0;
    if (!rows.length) return;
    try {
      await this.insert(rows);
      for (const w of waiting) w.resolve();
    } catch (e) {
      for (const w of waiting) w.reject(e);
    }
  }
}
