import type { Subscription } from 'rxjs';
import { fabryPerotPdhLock, michelsonMidFringeLock, sideOfFringeLock, type Board, type LockboxConfig, type LockStatus } from '@labrx/instruments';
import { allocateFrame, FRAME_KIND } from './frames.js';
import { errorInfo, STUDIO_LOCK_PRESETS, type ServerMessage, type StudioLockPreset } from './protocol.js';

/** Lock-status samples the strip chart holds (at the default 20 ms between samples: 10 s). */
export const LOCK_STRIP_SAMPLES = 500;

/** Where the panel's messages go, and whether the channel can take a frame now. */
export interface LockPanelChannel {
  send(message: ServerMessage): void;
  sendBinary(bytes: Uint8Array): void;
  /** False while the channel is backed up (the session's `maxQueuedBytes`). */
  roomForFrames(): boolean;
}

/** Which page locked each lockbox last: only that page's going unlocks it. */
const lockedBy = new WeakMap<Board['lockbox'], StudioLockPanel>();

/** A preset and its options → the lockbox configuration. */
export function lockPresetConfig(preset: StudioLockPreset, options: Readonly<Record<string, number>>): LockboxConfig {
  const o = options as Record<string, number>;
  switch (preset) {
    case 'sideOfFringe':
      return sideOfFringeLock({ linewidthHz: o.linewidthHz!, piezoHzPerV: o.piezoHzPerV!, unityGainHz: o.unityGainHz! });
    case 'fabryPerotPdh':
      return fabryPerotPdhLock({ linewidthHz: o.linewidthHz!, piezoHzPerV: o.piezoHzPerV!, modulationHz: o.modulationHz!, unityGainHz: o.unityGainHz! });
    case 'michelsonMidFringe':
      return michelsonMidFringeLock({ piezoMPerV: o.piezoMPerV!, unityGainHz: o.unityGainHz! });
  }
}

/**
 * One page's lockbox panel: Lock (a preset or the configuration in force) and Unlock, the stages as
 * `lock$` reaches them, the status when it changes, and the error signal and PID output of every
 * `locked$` sample as a strip chart (frames of kind lockSignals, under the session's flow control:
 * at most `maxInFlight` frames not yet drawn, the newest strip waiting meanwhile).
 *
 * A lock this page started is unlocked when the page goes (closed tab, lost connection, studio
 * closed), unless another page or a script locked since: no lock keeps running without a screen
 * that shows it. A lock a script started is only watched (docs/decisions/0022).
 */
export class StudioLockPanel {
  private statusSub: Subscription | null = null;
  private lockSub: Subscription | null = null;
  private lastKey = '';
  private readonly t: number[] = [];
  private readonly errorV: number[] = [];
  private readonly outputV: number[] = [];
  private seq = 0;
  private pending = false;
  private inFlight = 0;
  private unlocked: Promise<void> = Promise.resolve();
  /** True while `lock$` is being subscribed (it may unlock an earlier lock on the way). */
  private subscribing = false;

  constructor(
    private readonly board: Board,
    private readonly channel: LockPanelChannel,
    private readonly maxInFlight: number,
  ) {}

  /** True when the board has PIDs and a sampler (else the page hides the panel). */
  static available(board: Board): boolean {
    return board.driver.pid !== undefined && board.driver.sampler !== undefined;
  }

  /** The hello message's lockbox part. */
  hello(): { presets: typeof STUDIO_LOCK_PRESETS; configured: boolean; status: LockStatus } {
    const lb = this.board.lockbox;
    return { presets: STUDIO_LOCK_PRESETS, configured: lb.config !== null, status: lb.status };
  }

  /** Starts watching `locked$`. */
  start(): void {
    this.statusSub = this.board.lockbox.locked$.subscribe({
      next: (s) => this.status(s),
      // locked$ completes when the board closes; an error here would be a bug worth showing
      error: (error: unknown) => this.channel.send({ type: 'error', instrument: 'lockbox', error: errorInfo(error) }),
    });
  }

  /** Locks with a preset (or the configuration in force); progress and errors go to the page. */
  lock(preset: StudioLockPreset | null, options: Readonly<Record<string, number>>): void {
    const lb = this.board.lockbox;
    let config: LockboxConfig | undefined;
    try {
      config = preset === null ? undefined : lockPresetConfig(preset, options);
    } catch (error) {
      return this.channel.send({ type: 'error', instrument: 'lockbox', error: errorInfo(error) });
    }
    this.lockSub?.unsubscribe();
    this.subscribing = true;
    try {
      this.lockSub = lb.lock$(config).subscribe({
        next: (event) => {
          // the sequence runs (a refused configuration never gets here): the lock in force is this page's
          lockedBy.set(lb, this);
          this.channel.send({ type: 'lock', event });
        },
        error: (error: unknown) => this.channel.send({ type: 'error', instrument: 'lockbox', error: errorInfo(error) }),
      });
    } finally {
      this.subscribing = false;
    }
  }

  /** Unlocks (outputs safe), whoever locked; an error goes to the page. */
  unlock(): void {
    this.lockSub?.unsubscribe();
    this.lockSub = null;
    this.board.lockbox.unlock().catch((error: unknown) => this.channel.send({ type: 'error', instrument: 'lockbox', error: errorInfo(error) }));
  }

  /** The page drew a strip chart. */
  ack(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.flush();
  }

  /** Sends the newest strip if the page and the channel have room. */
  flush(): void {
    if (!this.pending || this.inFlight >= this.maxInFlight || !this.channel.roomForFrames()) return;
    this.pending = false;
    this.inFlight++;
    const n = this.t.length;
    const x0 = this.t[0] ?? 0;
    const { bytes, series } = allocateFrame({ kind: FRAME_KIND.lockSignals, flags: 0, seq: this.seq, done: 0, total: 0, samples: n, x0, dx: 0, timestamp: 0 }, 3, n);
    for (let i = 0; i < n; i++) {
      series[0]![i] = this.t[i]! - x0;
      series[1]![i] = this.errorV[i]!;
      series[2]![i] = this.outputV[i]!;
    }
    this.channel.sendBinary(bytes);
  }

  /**
   * The page went: stops watching and, when this page's lock is the one in force, unlocks it;
   * `released()` settles when that is done.
   */
  close(): void {
    this.statusSub?.unsubscribe();
    this.statusSub = null;
    const lb = this.board.lockbox;
    const mine = lockedBy.get(lb) === this;
    this.lockSub?.unsubscribe(); // before 'locked' this unlocks by itself
    this.lockSub = null;
    if (!mine) return;
    lockedBy.delete(lb);
    if (lb.status.state !== 'unlocked') this.unlocked = lb.unlock().catch(() => undefined); // the page is gone: nobody to tell
  }

  /** Settles when the unlock that `close()` started is done (at once when there was none). */
  released(): Promise<void> {
    return this.unlocked;
  }

  private status(s: LockStatus): void {
    // unlocked while this page's sequence is not running (an Unlock, a failure, a script's lock
    // replacing it): the lock in force is no longer this page's
    if (s.state === 'unlocked' && !this.subscribing && (this.lockSub === null || this.lockSub.closed) && lockedBy.get(this.board.lockbox) === this) lockedBy.delete(this.board.lockbox);
    const key = `${s.state}|${s.stage}|${s.locked}|${s.relocks}|${s.reason}`;
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.channel.send({ type: 'lockStatus', status: s });
    }
    if (s.errorV === null) return;
    this.t.push(s.timeS);
    this.errorV.push(s.errorV);
    this.outputV.push(s.outputV ?? NaN);
    if (this.t.length > LOCK_STRIP_SAMPLES) {
      this.t.shift();
      this.errorV.shift();
      this.outputV.shift();
    }
    this.seq++;
    this.pending = true;
    this.flush();
  }
}
