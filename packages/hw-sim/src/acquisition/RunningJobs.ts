import type { RunningAcquisition } from './acquireTrace.js';

/**
 * The jobs (scope acquisitions or IQ measurements) running on a simulated board now, and a serial
 * for each new one (1, 2, …; it seeds the job's noise). `begin`/`end` are what acquisition hosts hand on.
 */
export class RunningJobs {
  private readonly jobs = new Set<RunningAcquisition>();
  private count = 0;

  /** Jobs running now. */
  get size(): number {
    return this.jobs.size;
  }

  /** Jobs begun since the board was created. */
  get started(): number {
    return this.count;
  }

  /** Registers `job`; returns its serial. */
  readonly begin = (job: RunningAcquisition): number => {
    this.jobs.add(job);
    return ++this.count;
  };

  /** Forgets `job` (it finished, failed or was unsubscribed). */
  readonly end = (job: RunningAcquisition): void => {
    this.jobs.delete(job);
  };

  /** Fails every running job with `error` and forgets them all (the board closed). */
  failAll(error: Error): void {
    const jobs = [...this.jobs];
    this.jobs.clear();
    for (const job of jobs) job.fail(error);
  }
}
