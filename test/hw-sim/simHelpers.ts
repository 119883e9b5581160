import { firstValueFrom } from 'rxjs';
import { ASG_DEFAULTS, SCOPE_DEFAULTS, resolveAsgSettings, type AsgSettings, type RawTrace, type ResolvedScopeSettings } from '@labrx/core';
import type { VirtualClock } from '@labrx/core/testing';
import type { SimBoard, SimBoardOptions } from '@labrx/hw-sim';
import { createVirtualSimBoard } from '@labrx/hw-sim/testing';

/** 2 V / 2^14: the ADC step of the 125-14. */
export const LSB = 2 / 2 ** 14;
/** Raw ADC rate, Hz. */
export const FS = 125e6;

/** A fresh board on a fresh virtual clock. */
export function virtualSim(options: Omit<SimBoardOptions, 'scheduler'> = {}): { clock: VirtualClock; board: SimBoard } {
  return createVirtualSimBoard(options);
}

/** Applies generator settings (validated like the instruments do) and waits for the readback. */
export function setAsg(board: SimBoard, index: number, settings: AsgSettings) {
  return firstValueFrom(board.setAsg(index, resolveAsgSettings(settings, board.info, ASG_DEFAULTS, `asg${index}`)));
}

/** One acquisition with the given scope settings (defaults otherwise), run in virtual time. */
export function acquire(clock: VirtualClock, board: SimBoard, settings: Partial<Omit<ResolvedScopeSettings, 'averages'>> = {}): Promise<RawTrace> {
  return clock.run(firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, ...settings })));
}

/** Root mean square around zero (V). */
export function rms(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / x.length);
}
