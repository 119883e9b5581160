import { Observable, type Subscription } from 'rxjs';
import { uninitializedFloat64, type ResolvedStreamSettings, type StreamBlock } from '@labrx/core';
import { NoiseBlocks } from '../signal/NoiseBlocks.js';
import type { AcquisitionHost, RunningAcquisition } from './acquireTrace.js';

/** Noise is drawn in blocks of this many samples per input, whatever the stream's block size. */
const NOISE_BLOCK_SAMPLES = 16384;

/**
 * The simulated board's gapless stream (`BoardDriver.stream`), as a cold Observable.
 *
 * Subscribing starts the stream: stream index i is the i-th decimated sample, stamped at board time
 * start + i·dt, exactly as an acquisition's samples are (`SignalModel.render`): the generators'
 * phases come from their history at those instants and the noise from one realisation indexed by
 * sample, so block boundaries are invisible: rendering [a, b) then [b, c) gives the same samples as
 * rendering [a, c) at once.
 *
 * Production runs on the host's scheduler at the board's rate: block k (indices k·B … (k+1)·B − 1)
 * is due when its last sample is in, at start + (k+1)·B·dt. Each tick emits every block that is
 * complete by then, so a tick that runs late (a slow synchronous consumer held the event loop, or a
 * CPU that cannot keep up with the decimation) catches up in one go.
 *
 * The bounded buffer: the board holds the newest `bufferSamples` samples (a ring). When the
 * present is more than `bufferSamples` ahead of the next sample the consumer would get, the samples
 * before present − bufferSamples were overwritten: the stream emits a `GapBlock` for them and goes on
 * from the oldest sample still held. Nothing is lost silently; whether that gap ends the stream is
 * the instrument's choice (`onOverflow`).
 */
export function streamBlocks(host: AcquisitionHost, settings: Omit<ResolvedStreamSettings, 'onOverflow'>): Observable<StreamBlock> {
  return new Observable<StreamBlock>((subscriber) => {
    const { info, scheduler, model } = host;
    const { decimation, boxcar, blockSamples, bufferSamples } = settings;
    const dtS = decimation / info.sampleRateHz;
    const dtMs = dtS * 1000;
    const startMs = scheduler.now();
    const armS = (startMs - host.originMs) / 1000;
    const running: RunningAcquisition = { fail: (e) => subscriber.error(e) };
    const serial = host.begin(running);
    const noise = new NoiseBlocks(host.seedWords, serial, NOISE_BLOCK_SAMPLES, 4);
    let next = 0;
    let action: Subscription | null = null;
    // the number of samples the board has produced by now (tiny slack so a tick at a block's due time sees it complete)
    const produced = () => Math.floor((scheduler.now() - startMs) / dtMs + 1e-6);

    const tick = () => {
      action = null;
      try {
        for (;;) {
          if (subscriber.closed) return;
          const now = produced();
          const oldest = now - bufferSamples;
          if (next < oldest) {
            subscriber.next({ kind: 'gap', index: next, samples: oldest - next, dt: dtS, timestamp: startMs + next * dtMs });
            next = oldest;
            continue;
          }
          if (next + blockSamples > now) break;
          // every sample is rendered below: memory not cleared first (one pass less over fresh memory)
          const ch1 = uninitializedFloat64(blockSamples);
          const ch2 = uninitializedFloat64(blockSamples);
          const request = { armS, decimation, boxcar, first: next, noise };
          model.render(0, request, ch1);
          model.render(1, request, ch2);
          const block: StreamBlock = { kind: 'samples', index: next, samples: blockSamples, dt: dtS, ch1, ch2, timestamp: startMs + next * dtMs };
          next += blockSamples;
          subscriber.next(block);
        }
      } catch (e) {
        subscriber.error(e);
        return;
      }
      if (subscriber.closed) return;
      action = scheduler.schedule(tick, Math.max(0, startMs + (next + blockSamples) * dtMs - scheduler.now()));
    };
    action = scheduler.schedule(tick, blockSamples * dtMs);

    return () => {
      action?.unsubscribe();
      action = null;
      host.end(running);
    };
  });
}
