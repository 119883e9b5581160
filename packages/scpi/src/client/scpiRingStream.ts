import { Observable, concat, defer, race, timer, type Subscription } from 'rxjs';
import { ScpiError, SettingsError, SCOPE_SETTINGS, type ResolvedStreamSettings, type StreamBlock } from '@labrx/core';
import { RP_COMMANDS, RP_SCPI, chain, fill, setLine, type AcqGain } from '../protocol/redPitayaScpi.js';
import type { ScpiResponse } from './ScpiResponseParser.js';
import { DEEP_READ_SAMPLES, deepMemorySamplesOf, type DeepMemoryRegion, type ScpiDeepMemoryLink } from './ScpiDeepMemory.js';

/** DDR page: the second channel's ring starts on a page boundary. */
const PAGE_BYTES = 4096;

/** The writer's trigger delay in samples: the register's largest value, so it runs (and wraps) for 2^32 − 1 samples. */
const RING_TRIGGER_DELAY = 0xffffffff;

const NATIVE_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function unit(message: ScpiResponse, i: number): string {
  const u = message[i];
  return typeof u === 'string' ? u.trim() : '';
}

/** Decodes a big-endian float32 block of `count` samples into a fresh Float64Array (volts). */
function decode(payload: Buffer | string | undefined, count: number, own: Float32Array, target: string): Float64Array {
  if (!Buffer.isBuffer(payload) || payload.length !== count * 4) {
    throw new ScpiError(-200, `expected a block of ${count} float32 samples, got ${Buffer.isBuffer(payload) ? `${payload.length} bytes` : JSON.stringify(payload)}`, target);
  }
  const bytes = Buffer.from(own.buffer, 0, count * 4);
  payload.copy(bytes);
  if (NATIVE_LITTLE) bytes.swap32();
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = own[i]!;
  return out;
}

/**
 * The SCPI board's gapless stream (`BoardDriver.stream`, `streamGuarantee: 'ring'`) over deep memory
 * used as a ring (docs/decisions/0016-gapless-streams-and-realtime-fft.md).
 *
 * Each input gets a DDR ring of `bufferSamples` samples (rounded up to 8, at most half the region),
 * and the AXI writer is armed with the largest trigger delay (2^32 − 1 samples) and triggered at once
 * (`ACQ:TRig NOW`), so it writes continuously, wrapping around the ring. The stream then reads the
 * new samples a block at a time: each read is one line `DATA:Start:N?` for both inputs followed by
 * `Write:Pos?` and `Trig:Fill?`, so the writer's position is known at the moment of the read.
 *
 * Counting: stream index i is the i-th sample the writer wrote since the trigger; the writer's
 * position is a ring position, unwrapped to a count by board time: the count is the one congruent
 * to the position that is at most the samples due since the trigger (client clock, from `ACQ:TRig`),
 * and never less than the last count. This is exact while the writer lags real time by less than one
 * ring (the simulator writes 65536-sample chunks: keep the ring larger than that). A writer lagging
 * more (the simulator at a decimation its CPU cannot render in real time) looks like extra laps: a
 * gap is reported and the samples after it may be labelled whole rings late — not a guarantee this
 * stream can give without a writer count from the board.
 *
 * A block [i, i + B) read while the writer's count was W is intact when W − ring ≤ i (nothing of it
 * overwritten yet) and i + B ≤ W. When the writer overtook the reader, the stream emits a `GapBlock`
 * for the samples it can no longer have, and goes on half a ring behind the writer (not at the oldest
 * sample still held, which the writer would overtake again at once). When the writer stops (its
 * 2^32 − 1 samples are in: 9.5 h at decimation 8) the stream fails with a ScpiError.
 *
 * `blockSamples` is at most `DEEP_READ_SAMPLES` (one read per block, under the reply bound).
 * Unsubscribing, or a failure, sends `ACQ:STOP` and releases both rings (`ENable OFF`).
 */
export function scpiRingStream$(link: ScpiDeepMemoryLink, region: DeepMemoryRegion, settings: Omit<ResolvedStreamSettings, 'onOverflow'>): Observable<StreamBlock> {
  return new Observable<StreamBlock>((subscriber) => {
    const { decimation, blockSamples, bufferSamples } = settings;
    const limit = deepMemorySamplesOf(region);
    if (blockSamples > DEEP_READ_SAMPLES) {
      subscriber.error(new SettingsError('scope.continuous', 'blockSamples', blockSamples, `at most ${DEEP_READ_SAMPLES} samples per block over SCPI (one read per block)`));
      return;
    }
    const ring = Math.ceil(Math.min(bufferSamples, limit) / 8) * 8;
    if (ring < 2 * blockSamples || ring > limit) {
      subscriber.error(new SettingsError('scope.continuous', 'bufferSamples', bufferSamples, `at least two blocks (${2 * blockSamples}) and at most ${limit} (half this board's deep memory)`));
      return;
    }
    const ringBytes = ring * 2;
    const start2 = region.start + Math.ceil(ringBytes / PAGE_BYTES) * PAGE_BYTES;
    const dtS = decimation / link.info.sampleRateHz;
    const dtMs = dtS * 1e3;
    const gain = SCOPE_SETTINGS.wireValue('scpi', 'gain', 'lv') as AcqGain;
    const axi = (pattern: string, value: string | undefined, ch: number) => fill(pattern, value, ch);
    const release = [RP_COMMANDS.stop, axi(RP_COMMANDS.axiEnable, 'OFF', 1), axi(RP_COMMANDS.axiEnable, 'OFF', 2)];
    const setup = [
      setLine(RP_SCPI.dataFormat, 'BIN'),
      setLine(RP_SCPI.byteOrder, 'BEND'),
      fill(RP_COMMANDS.axiUnits, 'VOLTS'),
      setLine(RP_SCPI.gain, gain, 1),
      setLine(RP_SCPI.gain, gain, 2),
      fill(RP_COMMANDS.axiDecimation, String(decimation)),
      setLine(RP_SCPI.averaging, settings.boxcar),
      ...release,
      axi(RP_COMMANDS.axiSetBuffer, `${region.start},${ringBytes}`, 1),
      axi(RP_COMMANDS.axiSetBuffer, `${start2},${ringBytes}`, 2),
      axi(RP_COMMANDS.axiTriggerDelay, String(RING_TRIGGER_DELAY), 1),
      axi(RP_COMMANDS.axiTriggerDelay, String(RING_TRIGGER_DELAY), 2),
      axi(RP_COMMANDS.axiEnable, 'ON', 1),
      axi(RP_COMMANDS.axiEnable, 'ON', 2),
      fill(RP_COMMANDS.trigger, 'DISABLED'),
      RP_COMMANDS.start,
    ];
    const own = new Float32Array(blockSamples);
    const status = [axi(RP_COMMANDS.axiWritePosition, undefined, 1), axi(RP_COMMANDS.axiFill, undefined, 1)];
    let startMs = 0;
    /** The writer's count (samples written since the trigger) at the last reply. */
    let written = 0;
    /** The next stream index to emit. */
    let next = 0;
    let inner: Subscription | null = null;
    let settled = false;

    const unwrap = (pos: number): number => {
      const due = Math.floor((link.scheduler.now() - startMs) / dtMs + 1e-6);
      // the count ≡ pos (mod ring) at most `due`, and never behind the last one
      let count = due - ((((due - pos) % ring) + ring) % ring);
      if (count < written) count = written;
      return count;
    };
    const finish = (err: unknown): void => {
      if (settled) return;
      settled = true;
      link.running(-1);
      link.stopQuietly(release);
      subscriber.error(err);
    };
    /** Handles the writer's status units at `i` (position, fill) of `reply`; false when the stream ended. */
    const track = (reply: ScpiResponse, i: number): boolean => {
      const pos = Number.parseInt(unit(reply, i), 10);
      if (!Number.isSafeInteger(pos) || pos < 0 || pos >= ring) {
        finish(new ScpiError(-200, `unexpected writer position ${JSON.stringify(reply[i])} (ring of ${ring} samples)`, link.target));
        return false;
      }
      if (unit(reply, i + 1) === '1') {
        finish(new ScpiError(-200, `the deep-memory writer stopped (its ${RING_TRIGGER_DELAY} samples are in): the ring stream ends`, link.target));
        return false;
      }
      written = unwrap(pos);
      return true;
    };
    const gapIfOvertaken = (): void => {
      if (next >= written - ring) return;
      const resume = written - Math.floor(ring / 2);
      subscriber.next({ kind: 'gap', index: next, samples: resume - next, dt: dtS, timestamp: startMs + next * dtMs });
      next = resume;
    };
    const step = (): void => {
      if (subscriber.closed || settled) return;
      gapIfOvertaken();
      if (written - next < blockSamples) {
        // wait until the next block is due, then ask where the writer is
        // (at least a quarter block: a writer that lags, e.g. writing in chunks, is not polled in a tight loop)
        const waitMs = Math.min(link.maxPollIntervalMs, Math.max(1, (blockSamples * dtMs) / 4, startMs + (next + blockSamples) * dtMs - link.scheduler.now()));
        inner = race(timer(waitMs, link.scheduler), link.lost$).subscribe({ error: finish, complete: () => poll() });
        return;
      }
      const at = next;
      const pos = at % ring;
      const line = chain([axi(RP_COMMANDS.axiData, `${pos},${blockSamples}`, 1), axi(RP_COMMANDS.axiData, `${pos},${blockSamples}`, 2), ...status]);
      inner = race(link.request(line), link.lost$).subscribe({
        next: (reply) => {
          let ch1: Float64Array;
          let ch2: Float64Array;
          try {
            ch1 = decode(reply[0], blockSamples, own, link.target);
            ch2 = decode(reply[1], blockSamples, own, link.target);
          } catch (err) {
            return finish(err);
          }
          if (!track(reply, 2)) return;
          // intact only if the writer had not come round to the block's first sample when it was read
          if (at < written - ring) return;
          next = at + blockSamples;
          subscriber.next({ kind: 'samples', index: at, samples: blockSamples, dt: dtS, ch1, ch2, timestamp: startMs + at * dtMs });
        },
        error: finish,
        complete: () => step(),
      });
    };
    const poll = (): void => {
      if (subscriber.closed || settled) return;
      inner = race(link.request(chain(status)), link.lost$).subscribe({
        next: (reply) => void track(reply, 0),
        error: finish,
        complete: () => step(),
      });
    };

    link.running(1);
    const arm$ = concat(
      link.checked$(setup),
      defer(() => {
        // taken before the trigger is sent: the writer starts after it, so the samples due never undercount it
        startMs = link.scheduler.now();
        return link.checked$([fill(RP_COMMANDS.trigger, 'NOW')]);
      }),
    );
    inner = race(arm$, link.lost$).subscribe({ error: finish, complete: () => step() });
    return () => {
      inner?.unsubscribe();
      inner = null;
      if (!settled) {
        settled = true;
        link.running(-1);
        link.stopQuietly(release);
      }
    };
  });
}
