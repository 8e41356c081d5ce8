import type { MetaStore } from '../meta';
import type { Metrics } from './metrics';

/** Background errors of this process, newest first, for the System page (messages only: errors are redacted before). */
export class RecentErrors {
  private readonly items: Array<{ at: number; message: string }> = [];

  constructor(private readonly keep = 50) {}

  add(message: string, at = Date.now()): void {
    this.items.unshift({ at, message: message.slice(0, 500) });
    if (this.items.length > this.keep) this.items.length = this.keep;
  }

  list(): Array<{ at: number; message: string }> {
    return [...this.items];
  }
}

/**
 * Runs of the background jobs: counted in /metrics (runs, failures, duration) and recorded in the
 * metadata store (last start and end, last error), which every node reads — at scale the leader runs
 * the jobs and an api node shows them.
 */
export class JobMonitor {
  constructor(
    private readonly metrics: Metrics,
    private readonly meta: MetaStore,
    /** An error's message as logs show it (redacted: engine messages quote the values they failed on). */
    private readonly describe: (err: unknown) => string,
    private readonly onError: (message: string, err: unknown) => void,
  ) {}

  /** Runs `fn` as one run of `job`; its failure is recorded and rethrown. */
  async run<T>(job: string, fn: () => Promise<T>): Promise<T> {
    const end = this.metrics.jobDuration.startTimer({ job });
    await this.meta.jobRuns.started(job, Date.now()).catch((err) => this.onError('job status update failed', err));
    try {
      const out = await fn();
      this.metrics.jobRuns.inc({ job });
      await this.meta.jobRuns.finished(job, Date.now(), null).catch((err) => this.onError('job status update failed', err));
      return out;
    } catch (err) {
      this.metrics.jobRuns.inc({ job });
      this.metrics.jobFailures.inc({ job });
      await this.meta.jobRuns.finished(job, Date.now(), this.describe(err)).catch((e) => this.onError('job status update failed', e));
      throw err;
    } finally {
      end();
    }
  }

  /**
   * A failure of a job whose runs this monitor does not wrap (it reports through its own error
   * callback): counted and kept as its last error.
   */
  failed(job: string, err: unknown): void {
    this.metrics.jobFailures.inc({ job });
    this.meta.jobRuns.failedOnly(job, Date.now(), this.describe(err)).catch((e) => this.onError('job status update failed', e));
  }
}
