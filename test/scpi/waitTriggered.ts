import type { VirtualClock } from '@labrx/core/testing';
import type { RawClient } from './scpiRawClient.js';

/** Samples in a scope buffer. */
const N = 16384;
/** ADC sample rate, Hz. */
const FS = 125e6;

/**
 * Polls input `ch`'s `ACQ:TRig:STAT:CH<n>?` (split-trigger mode), advancing the virtual clock a quarter
 * buffer at decimation `dec` between polls, until TD; throws after 10 buffers.
 */
export async function waitTriggered(clock: VirtualClock, client: RawClient, ch: number, dec: number): Promise<void> {
  const quarterMs = (N * dec * 1e3) / FS / 4;
  for (let i = 0; i < 40; i++) {
    if ((await client.query(`ACQ:TRig:STAT:CH${ch}?`)) === 'TD') return;
    await clock.advanceBy(quarterMs);
  }
  throw new Error(`CH${ch}: no trigger within 10 buffers`);
}
