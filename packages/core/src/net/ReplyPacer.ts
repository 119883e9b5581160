import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { ReplayPace } from './replayPace.js';

/** Where a replay writes its replies (a socket). */
export interface ReplySink {
  write(bytes: Uint8Array): unknown;
  readonly destroyed: boolean;
}

/**
 * Sends one replay connection's replies as `pace` says: at once ('immediate'), or each one its
 * recorded latency after its request arrived ('recorded', on `scheduler`), never before the reply
 * before it (replies keep their order). `cancel()` drops the replies not yet sent (the connection
 * ended): no action stays scheduled.
 */
export class ReplyPacer {
  private readonly scheduled = new Set<Subscription>();
  /** Scheduler time at which the last scheduled reply goes out. */
  private lastReplyAtMs = -Infinity;

  constructor(
    private readonly sink: ReplySink,
    private readonly pace: ReplayPace,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {}

  /** Replies to the request that just arrived with `bytes` (nothing for none), `latencyMs` after it as recorded. */
  reply(bytes: Uint8Array, latencyMs: number): void {
    if (bytes.length === 0) return;
    if (this.pace === 'immediate') {
      this.sink.write(bytes);
      return;
    }
    const now = this.scheduler.now();
    this.lastReplyAtMs = Math.max(now + Math.max(0, latencyMs), this.lastReplyAtMs);
    const action = this.scheduler.schedule(() => {
      this.scheduled.delete(action);
      if (!this.sink.destroyed) this.sink.write(bytes);
    }, this.lastReplyAtMs - now);
    if (!action.closed) this.scheduled.add(action);
  }

  /** Drops every reply not yet sent. */
  cancel(): void {
    for (const action of this.scheduled) action.unsubscribe();
    this.scheduled.clear();
  }
}
