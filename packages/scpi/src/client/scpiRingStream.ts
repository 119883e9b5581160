import { Observable, concat, defer, race, timer, type Subscription } from 'rxjs';
import { ScpiError, SettingsError, type ResolvedStreamSettings, type StreamBlock } from '@labrx/core';
import { RP_COMMANDS, chain, fill } from '../protocol/redPitayaScpi.js';
import type { ScpiResponse } from './ScpiResponseParser.js';
import { AXI_RELEASE, axiCaptureSetup } from './axiCaptureSetup.js';
import { decodeFloat32Block, replyUnit as unit } from './decodeFloat32Block.js';
import { ringWriterCount } from './ringWriterCount.js';
import { DEEP_READ_SAMPLES, deepMemorySamplesOf, type DeepMemoryRegion, type ScpiDeepMemoryLink } from './ScpiDeepMemory.js';

/** The writer's trigger delay in samples: the register's largest value, so it runs (and wraps) for 2^32 − 1 samples. */
const RING_TRIGGER_DELAY = 0xffffffff;

/** How far the board's clock may run from the host's, as a fraction (crystals are ±50 ppm). */
const CLOCK_TOLERANCE = 2e-4;

/** Replies in a row whose round trip was too long to tell the writer's lap, after which the stream fails. */
const MAX_AMBIGUOUS_REPLIES = 8;

/** Time stamps' resolution in ms (the scheduler's wall clock steps by 1 ms; so may the simulated board's): a bound is widened by this at each end. */
const CLOCK_RESOLUTION_MS = 2;

/**
 * The SCPI board's gapless stream (`BoardDriver.stream`, `streamGuarantee: 'ring'`) over deep memory
 * used as a ring (docs/decisions/0016-gapless-streams-and-realtime-fft.md).
 *
 * Input 2 gets a DDR ring of R = `bufferSamples` samples (rounded up to 8), input 1 one of R + 8, and
 * the AXI writer is armed with the largest trigger delay (2^32 − 1 samples) and triggered at once
 * (`ACQ:TRig NOW`), so it writes continuously, wrapping around both rings. The stream then reads the
 * new samples a block at a time: each read is one line `DATA:Start:N?` for both inputs followed by
 * both inputs' `Write:Pos?` and `Trig:Fill?`, so the writer's position is known just after the read.
 *
 * Counting (`ringWriterCount`): stream index i is the i-th sample the writer wrote. Between two
 * replies the writer, keeping pace with the board's clock (the DMA does; labrx-sim's writes what is
 * due whenever it is asked), wrote at least (this request's sending − the last reply) and at most
 * (this reply − the last request's sending) of board time, with a 0.02 % clock tolerance and 2 ms for
 * the clocks' resolution: a window as wide as two round trips and 4 ms, in which input 1's position
 * fixes the count while that window is at most half a ring wide (or holds only one lap from the last
 * count on, as at the start); a reply too slow for that is not used (its block is dropped, the status asked again, and after 8 in a row the stream fails). The
 * tolerance grows with the time since the last proven count: a reader stalled for more than about
 * 1000 ring lengths cannot tell the lap any more and fails. Input 2's position, on a ring 8 samples
 * shorter, checks the count: one off by whole laps (a writer lagging its clock) would put input 2 far
 * from where the count says. A count that cannot be proven fails the stream with a ScpiError that
 * says why: the stream never emits samples under a count it has not proven, so there is no silent
 * hole or repeat.
 *
 * A block [i, i + B) read while the writer's count was W is intact when W − R ≤ i (nothing of it
 * overwritten yet on either ring) and i + B ≤ W (all written). The W used is the count just after the
 * read, an upper bound of the one during it, so an overwrite is never missed. When the writer overtook
 * the reader, the stream emits a `GapBlock` for exactly the samples it can no longer have, and goes on
 * half a ring behind the writer (not at the oldest sample still held, which the writer would overtake
 * again at once). When the writer stops (its 2^32 − 1 samples are in: 9.5 h at decimation 8) the
 * stream fails with a ScpiError.
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
    // input 1's ring is 8 samples longer (input 2's position then checks the lap)
    const ring = Math.ceil(Math.min(bufferSamples, limit - 8) / 8) * 8;
    if (ring < 2 * blockSamples || ring + 8 > limit) {
      subscriber.error(new SettingsError('scope.continuous', 'bufferSamples', bufferSamples, `at least two blocks (${2 * blockSamples}) and at most ${limit - 8} (half this board's deep memory, less 8)`));
      return;
    }
    const rings = [ring + 8, ring] as const;
    const dtS = decimation / link.info.sampleRateHz;
    const dtMs = dtS * 1e3;
    const axi = (pattern: string, value: string | undefined, ch: number) => fill(pattern, value, ch);
    const release = AXI_RELEASE;
    const setup = axiCaptureSetup({
      regionStart: region.start,
      ringSamples: rings,
      postTriggerSamples: RING_TRIGGER_DELAY,
      decimation,
      gain: 'lv',
      boxcar: settings.boxcar,
    });
    const own = new Float32Array(blockSamples);
    const status = [axi(RP_COMMANDS.axiWritePosition, undefined, 1), axi(RP_COMMANDS.axiWritePosition, undefined, 2), axi(RP_COMMANDS.axiFill, undefined, 1)];
    let startMs = 0;
    /** The writer's count (samples written) proven at the last reply. */
    let written = 0;
    /** When the request that proved `written` was sent and when its reply came (host ms). */
    let provenSentMs = 0;
    let provenReplyMs = 0;
    /** The next stream index to emit. */
    let next = 0;
    let inner: Subscription | null = null;
    let settled = false;

    const finish = (err: unknown): void => {
      if (settled) return;
      settled = true;
      link.running(-1);
      link.stopQuietly(release);
      subscriber.error(err);
    };
    /** Replies in a row that did not prove the count. */
    let ambiguous = 0;
    /**
     * Takes the writer's status at units `i`… of `reply` (two positions, fill) for a request sent at
     * `sentMs`: 'proven' (`written` is the count), 'unproven' (a round trip too long to tell the lap:
     * ask again) or 'ended' (the stream failed).
     */
    const track = (reply: ScpiResponse, i: number, sentMs: number): 'proven' | 'unproven' | 'ended' => {
      const replyMs = link.scheduler.now();
      if (unit(reply, i + 2) === '1') {
        finish(new ScpiError(-200, `the deep-memory writer stopped (its ${RING_TRIGGER_DELAY} samples are in): the ring stream ends`, link.target));
        return 'ended';
      }
      const positions = [Number.parseInt(unit(reply, i), 10), Number.parseInt(unit(reply, i + 1), 10)] as const;
      // since the last proven count the writer wrote at least (this request's sending − that reply)
      // and at most (this reply − that request's sending) of board time
      const found = ringWriterCount(positions, ring, {
        atLeast: written,
        atLeastIfOnTime: written + Math.max(0, Math.floor(((sentMs - provenReplyMs - CLOCK_RESOLUTION_MS) / dtMs) * (1 - CLOCK_TOLERANCE)) - 1),
        atMost: written + Math.ceil(((replyMs - provenSentMs + CLOCK_RESOLUTION_MS) / dtMs) * (1 + CLOCK_TOLERANCE)) + 1,
      });
      if ('error' in found) {
        if (found.ambiguous && ++ambiguous < MAX_AMBIGUOUS_REPLIES) return 'unproven';
        finish(new ScpiError(-200, `the ring stream cannot prove the writer's count: ${found.error}${found.ambiguous ? ` (${ambiguous} replies in a row; a longer ring, bufferSamples, allows slower replies)` : ''}`, link.target));
        return 'ended';
      }
      ambiguous = 0;
      written = found.count;
      provenSentMs = sentMs;
      provenReplyMs = replyMs;
      return 'proven';
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
      const line = chain([axi(RP_COMMANDS.axiData, `${at % rings[0]},${blockSamples}`, 1), axi(RP_COMMANDS.axiData, `${at % rings[1]},${blockSamples}`, 2), ...status]);
      const sentMs = link.scheduler.now();
      let proven = true;
      inner = race(link.request(line), link.lost$).subscribe({
        next: (reply) => {
          const ch1 = new Float64Array(blockSamples);
          const ch2 = new Float64Array(blockSamples);
          try {
            decodeFloat32Block(reply[0], blockSamples, ch1, own, link.target);
            decodeFloat32Block(reply[1], blockSamples, ch2, own, link.target);
          } catch (err) {
            return finish(err);
          }
          const state = track(reply, 2, sentMs);
          proven = state === 'proven';
          if (!proven) return;
          // intact only if the writer had not come round to the block's first sample when it was read
          if (at < written - ring) return;
          next = at + blockSamples;
          subscriber.next({ kind: 'samples', index: at, samples: blockSamples, dt: dtS, ch1, ch2, timestamp: startMs + at * dtMs });
        },
        error: finish,
        // a block read under an unproven count is dropped: a quick status reply tells the count, then
        // the block is read again or reported lost
        complete: () => (proven ? step() : poll()),
      });
    };
    const poll = (): void => {
      if (subscriber.closed || settled) return;
      const sentMs = link.scheduler.now();
      let proven = true;
      inner = race(link.request(chain(status)), link.lost$).subscribe({
        next: (reply) => {
          proven = track(reply, 0, sentMs) === 'proven';
        },
        error: finish,
        complete: () => (proven ? step() : poll()),
      });
    };

    link.running(1);
    const arm$ = concat(
      defer(() => {
        // the writer starts no sooner than the setup line (ACQ:START on hardware, the trigger on labrx-sim)
        provenSentMs = link.scheduler.now();
        return link.checked$(setup);
      }),
      defer(() => {
        startMs = link.scheduler.now();
        return link.checked$([fill(RP_COMMANDS.trigger, 'NOW')]);
      }),
      defer(() => {
        // ... and is running once the trigger is acknowledged
        provenReplyMs = link.scheduler.now();
        return [];
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
