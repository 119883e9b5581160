import type { Subscription } from 'rxjs';
import type { BoardInfo, SettingField } from '@labrx/core';
import {
  fabryPerotPdhLock,
  LOCKBOX_INPUT_SETTINGS,
  LOCKBOX_OUTPUT_SETTINGS,
  LOCKBOX_SETTINGS,
  LOCKBOX_STAGE_SETTINGS,
  michelsonMidFringeLock,
  plainLockboxConfig,
  resolveLockboxConfig,
  sideOfFringeLock,
  type Board,
  type LockboxConfig,
  type LockStatus,
  type ResolvedLockboxConfig,
} from '@labrx/instruments';
import { allocateFrame, FRAME_KIND } from './frames.js';
import { errorInfo, STUDIO_LOCK_PRESETS, type ServerMessage, type StudioLockboxFields, type StudioLockPreset } from './protocol.js';

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
 * What a stage does with one output (`StageOutputSettings`, checked by `resolveLockboxConfig`; it
 * has no declaration of its own): described as form fields so that the page builds it as the others.
 */
const STAGE_OUTPUT_FIELDS: readonly SettingField[] = [
  { name: 'lock', doc: 'lock this output in this stage (else its PID is off)', unit: null, kind: 'boolean', allowed: 'true or false', choices: null, min: null, max: null, default: false, acquisition: false, resolved: true, form: true },
  {
    name: 'offset',
    doc: "where the output's integrator starts when the stage begins (empty: it keeps its value)",
    unit: 'V',
    kind: 'number',
    allowed: "a voltage within the output's limits (V), 'from-sweep' (where the sweep met the setpoint), or empty",
    choices: null,
    min: null,
    max: null,
    default: null,
    acquisition: false,
    resolved: true,
    form: true,
  },
];

/** The lockbox editor's form fields for `info`'s board, from the lockbox's declarations. */
export function studioLockboxFields(info: BoardInfo): StudioLockboxFields {
  return { lockbox: LOCKBOX_SETTINGS.fields(info), input: LOCKBOX_INPUT_SETTINGS.fields(info), output: LOCKBOX_OUTPUT_SETTINGS.fields(info), stage: LOCKBOX_STAGE_SETTINGS.fields(info), stageOutput: STAGE_OUTPUT_FIELDS };
}

/** A lock request from the page: a preset and its options (preset null: the configuration in force), or a whole configuration. */
export type StudioLockRequest = { readonly preset: StudioLockPreset | null; readonly options: Readonly<Record<string, number>> } | { readonly config: LockboxConfig };

/**
 * One page's lockbox panel: the configuration editor (a preset's configuration to start from, Apply
 * to make the page's configuration the one in force, the one in force whenever it changes), Lock (a
 * preset, the editor's configuration or the one in force) and Unlock, the stages as
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
  private configSub: Subscription | null = null;
  /** The configuration last sent to the page (JSON), so that an unchanged one is not sent again. */
  private lastConfig = 'null';

  constructor(
    private readonly board: Board,
    private readonly channel: LockPanelChannel,
    private readonly maxInFlight: number,
    /** Called when this page changed the configuration in force (the studio keeps its last state, which holds it). */
    private readonly changed: () => void = () => undefined,
  ) {}

  /** True when the board has PIDs and a sampler (else the page hides the panel). */
  static available(board: Board): boolean {
    return board.driver.pid !== undefined && board.driver.sampler !== undefined;
  }

  /** The hello message's lockbox part. */
  hello(): { presets: typeof STUDIO_LOCK_PRESETS; configured: boolean; status: LockStatus; fields: StudioLockboxFields; config: LockboxConfig | null } {
    const lb = this.board.lockbox;
    const config = lb.config === null ? null : plainLockboxConfig(lb.config);
    this.lastConfig = JSON.stringify(config);
    return { presets: STUDIO_LOCK_PRESETS, configured: lb.config !== null, status: lb.status, fields: studioLockboxFields(this.board.info), config };
  }

  /** Starts watching `locked$` and the configuration in force. */
  start(): void {
    this.configSub = this.board.lockbox.config$.subscribe({
      next: (c) => this.sendConfig(c),
      // config$ completes when the board closes; an error here would be a bug worth showing
      error: (error: unknown) => this.channel.send({ type: 'error', instrument: 'lockbox', error: errorInfo(error) }),
    });
    this.statusSub = this.board.lockbox.locked$.subscribe({
      next: (s) => this.status(s),
      // locked$ completes when the board closes; an error here would be a bug worth showing
      error: (error: unknown) => this.channel.send({ type: 'error', instrument: 'lockbox', error: errorInfo(error) }),
    });
  }

  /** Sends a preset's configuration with `options`, resolved (every setting explicit), for the editor; changes nothing. */
  preset(preset: StudioLockPreset, options: Readonly<Record<string, number>>): void {
    try {
      const config = plainLockboxConfig(resolveLockboxConfig(lockPresetConfig(preset, options), this.board.info));
      this.channel.send({ type: 'lockPreset', preset, options, config });
    } catch (error) {
      this.channel.send({ type: 'error', instrument: 'lockbox', error: errorInfo(error) });
    }
  }

  /**
   * Makes `config` the configuration in force (`lockbox.configure`: validated first, a bad value is
   * a `SettingsError` to the page and nothing changes; refused while a lock runs); every page then
   * gets it as 'lockConfig'.
   */
  apply(config: LockboxConfig): void {
    try {
      this.board.lockbox.configure(config);
      this.changed();
    } catch (error) {
      this.channel.send({ type: 'error', instrument: 'lockbox', error: errorInfo(error) });
    }
  }

  /** Locks with a preset, a whole configuration or the configuration in force; progress and errors go to the page. */
  lock(request: StudioLockRequest): void {
    const lb = this.board.lockbox;
    let config: LockboxConfig | undefined;
    try {
      config = 'config' in request ? request.config : request.preset === null ? undefined : lockPresetConfig(request.preset, request.options);
    } catch (error) {
      return this.channel.send({ type: 'error', instrument: 'lockbox', error: errorInfo(error) });
    }
    this.lockSub?.unsubscribe();
    this.subscribing = true;
    const before = lb.config;
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
    // a lock with a configuration makes it the one in force (once valid)
    if (lb.config !== before) this.changed();
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
    this.configSub?.unsubscribe();
    this.configSub = null;
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

  private sendConfig(resolved: ResolvedLockboxConfig | null): void {
    const config = resolved === null ? null : plainLockboxConfig(resolved);
    const text = JSON.stringify(config);
    if (text === this.lastConfig) return;
    this.lastConfig = text;
    this.channel.send({ type: 'lockConfig', config });
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
