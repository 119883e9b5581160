import { Observable, concat, defer, first, map, of, race, repeat, switchMap, timer, type SchedulerLike } from 'rxjs';
import {
  SettingsError,
  type BoardInfo,
  type DeepCaptureEvent,
  type DeepCaptureWindow,
  type DeepMemoryDriver,
  type ResolvedScopeSettings,
} from '@labrx/core';
import { RP_COMMANDS, RP_SCPI, TRIGGER_SOURCE_NAMES, chain, fill, setLine } from '../protocol/redPitayaScpi.js';
import type { ScpiResponse } from './ScpiResponseParser.js';
import { AXI_PAGE_BYTES, AXI_RELEASE, axiCaptureSetup } from './axiCaptureSetup.js';
import { decodeFloat32Block as decodeInto, replyUnit as unit } from './decodeFloat32Block.js';

/**
 * Samples per channel read in one round trip: both channels as float32 blocks on one line,
 * 2 · 4 · 120000 = 960 kB, under the driver's 1 MiB reply bound (MAX_REPLY_BYTES).
 */
export const DEEP_READ_SAMPLES = 120_000;

/** The deep-memory region a board reports (`ACQ:AXI:START?`, `ACQ:AXI:SIZE?`), in bytes. */
export interface DeepMemoryRegion {
  readonly start: number;
  readonly bytes: number;
}

/** Samples per channel a two-channel capture can hold in `region`: half the region each, the second half page-aligned. */
export function deepMemorySamplesOf(region: DeepMemoryRegion): number {
  return Math.floor(region.bytes / 2 / AXI_PAGE_BYTES) * (AXI_PAGE_BYTES / 2);
}

/** What the deep-memory client needs of its board's link. */
export interface ScpiDeepMemoryLink {
  readonly info: BoardInfo;
  readonly scheduler: SchedulerLike;
  /** Board id for error messages. */
  readonly target: string;
  /** Longest wait between fill polls in ms. */
  readonly maxPollIntervalMs: number;
  /** Errors once the link is lost. */
  readonly lost$: Observable<never>;
  /** Sends a query line; emits its reply. */
  request(line: string): Observable<ScpiResponse>;
  /** Sends the commands on one line with an error count; errors with the first ScpiError if any failed. */
  checked$(commands: readonly string[]): Observable<void>;
  /** ACQ:STOP and both channels' ENable OFF, without waiting (nothing when the link is gone). */
  stopQuietly(lines: readonly string[]): void;
  /** Counts a running acquisition (scopeRunning). */
  running(delta: 1 | -1): void;
}

/**
 * Deep-memory captures over SCPI (`ACQ:AXI:*`, firmware 2.00-18 and later, and labrx-sim): each
 * input gets half the DDR region as a ring (`SET:Buffer`, the second half page-aligned), written
 * from `ACQ:START` on; `Trig:Dly` is the window's samples from the trigger on, so when
 * `Trig:Fill?` reads 1 on both the ring holds the window, which is read from `Trig:Pos? − triggerIndex`
 * in `DEEP_READ_SAMPLES` blocks of calibrated volts (float32, BIN), both channels per round trip,
 * each block emitted as a chunk. Before `ACQ:TRig` the driver waits `triggerIndex` samples of board
 * time after `ACQ:START`, so the pre-trigger part of the ring is never stale (the FPGA would accept a
 * trigger earlier). The standard buffer's own trigger delay is set to 8192 (no hold-off of its own).
 * Unsubscribing, or a failure, sends `ACQ:STOP` and releases both buffers (`ENable OFF`).
 */
export class ScpiDeepMemory implements DeepMemoryDriver {
  constructor(
    private readonly link: ScpiDeepMemoryLink,
    /** The board's region. */
    readonly region: DeepMemoryRegion,
  ) {}

  capture$(settings: Omit<ResolvedScopeSettings, 'averages'>, window: DeepCaptureWindow): Observable<DeepCaptureEvent> {
    return new Observable<DeepCaptureEvent>((subscriber) => {
      const { link } = this;
      const source = TRIGGER_SOURCE_NAMES[settings.trigger];
      if (source === undefined) {
        subscriber.error(new SettingsError('scope', 'trigger', settings.trigger, "a trigger the Red Pitaya has over SCPI (generator 2 has no trigger of its own; use 'asg0')"));
        return;
      }
      const { samples, triggerIndex } = window;
      const limit = deepMemorySamplesOf(this.region);
      if (!(Number.isInteger(samples) && samples >= 1 && samples <= limit && Number.isInteger(triggerIndex) && triggerIndex <= samples)) {
        subscriber.error(new SettingsError('scope', 'samples', samples, `an integer from 1 to ${limit} (this board's deep memory per channel)`));
        return;
      }
      // buffer sizes are multiples of 16 bytes (8 samples)
      const ring = Math.ceil(samples / 8) * 8;
      const postSamples = samples - triggerIndex;
      const dt = settings.decimation / link.info.sampleRateHz;
      const axi = (pattern: string, value: string | undefined, ch: number) => fill(pattern, value, ch);
      const release = AXI_RELEASE;
      const setup = axiCaptureSetup({
        regionStart: this.region.start,
        ringSamples: [ring, ring],
        postTriggerSamples: postSamples,
        decimation: settings.decimation,
        gain: settings.gain,
        boxcar: settings.boxcar,
        extra: [setLine(RP_SCPI.triggerLevel, settings.threshold), setLine(RP_SCPI.triggerHysteresis, settings.hysteresis), setLine(RP_SCPI.triggerDelay, link.info.bufferSize / 2)],
      });
      const wait = (ms: number): Observable<unknown> => (ms < 1 ? of(0) : timer(ms, link.scheduler));
      const captureMs = (samples + Math.max(0, triggerIndex)) * dt * 1e3;
      const interval = Math.min(link.maxPollIntervalMs, Math.max(captureMs / 8, 0));
      const fillQuery = chain([axi(RP_COMMANDS.axiFill, undefined, 1), axi(RP_COMMANDS.axiFill, undefined, 2)]);
      const poll$ = defer(() => link.request(fillQuery)).pipe(
        repeat({ delay: () => wait(interval) }),
        first((reply) => unit(reply, 0) === '1' && unit(reply, 1) === '1'),
      );
      const positions$ = link.request(chain([axi(RP_COMMANDS.axiTriggerPosition, undefined, 1), axi(RP_COMMANDS.axiTriggerPosition, undefined, 2)])).pipe(
        map((reply) => [Number.parseInt(unit(reply, 0), 10), Number.parseInt(unit(reply, 1), 10)] as const),
      );
      const ch1 = new Float64Array(Math.min(DEEP_READ_SAMPLES, samples));
      const ch2 = new Float64Array(ch1.length);
      const own = new Float32Array(ch1.length);
      const read$ = (p1: number, p2: number): Observable<DeepCaptureEvent> => {
        // (trigger position − triggerIndex) mod ring: where the window's first sample sits
        const first1 = (((p1 - triggerIndex) % ring) + ring) % ring;
        const first2 = (((p2 - triggerIndex) % ring) + ring) % ring;
        // one block pair per round trip, in order; each next request is sent when the last completes
        return new Observable<DeepCaptureEvent>((sub) => {
              let offset = 0;
              let inner: { unsubscribe(): void } | null = null;
              const next = (): void => {
                if (offset >= samples) return sub.complete();
                const n = Math.min(ch1.length, samples - offset);
                const at = offset;
                const line = chain([
                  axi(RP_COMMANDS.axiData, `${(first1 + at) % ring},${n}`, 1),
                  axi(RP_COMMANDS.axiData, `${(first2 + at) % ring},${n}`, 2),
                ]);
                inner = link.request(line).subscribe({
                  next: (reply) => {
                    try {
                      decodeInto(reply[0], n, ch1, own, link.target);
                      decodeInto(reply[1], n, ch2, own, link.target);
                    } catch (err) {
                      return sub.error(err);
                    }
                    offset += n;
                    sub.next({ kind: 'chunk', offset: at, ch1: ch1.subarray(0, n), ch2: ch2.subarray(0, n) });
                  },
                  error: (err: unknown) => sub.error(err),
                  complete: () => next(),
                });
              };
              next();
              return () => inner?.unsubscribe();
            });
      };
      let triggeredAt = 0;
      const pipeline$ = link.checked$(setup).pipe(
        switchMap(() => wait(Math.max(0, triggerIndex) * dt * 1e3)),
        switchMap(() => link.checked$([fill(RP_COMMANDS.trigger, source)])),
        switchMap(() => wait(Math.max(1, postSamples * dt * 1e3))),
        switchMap(() => poll$),
        switchMap(() => {
          // the trigger came postSamples before the fill was seen (to one poll interval)
          triggeredAt = link.scheduler.now() - postSamples * dt * 1e3;
          return positions$;
        }),
        switchMap(([p1, p2]) =>
          concat(of<DeepCaptureEvent>({ kind: 'trigger', samples, dt, t0: -triggerIndex * dt, timestamp: triggeredAt }), read$(p1, p2)),
        ),
      );
      let settled = false;
      link.running(1);
      const sub = race(pipeline$, link.lost$).subscribe({
        next: (e) => subscriber.next(e),
        error: (err: unknown) => {
          settled = true;
          link.running(-1);
          link.stopQuietly(release);
          subscriber.error(err);
        },
        complete: () => {
          settled = true;
          link.running(-1);
          // the rings are read: release them
          link.stopQuietly(release);
          subscriber.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        if (!settled) {
          settled = true;
          link.running(-1);
          link.stopQuietly(release);
        }
      };
    });
  }
}
