/**
 * Lock a simulated Fabry–Perot cavity with the lockbox, as PyRPL users lock a real one — rehearsed
 * on the simulator's closed loop in virtual time (the same code runs on a board: connect to
 * 'pyrpl://host' instead).
 *
 * 1. A Pound–Drever–Hall lock: an IQ module modulates the EOM at 20 MHz and demodulates the
 *    reflection; the lockbox sweeps the piezo, finds the resonance on the transmission, calibrates
 *    the PDH error with the sampler, jumps to the resonance and locks. Each step is printed as it
 *    is reached, then the residual detuning.
 * 2. A side-of-fringe lock with autoRelock: an acoustic kick throws it off, `locked$` reports the
 *    loss, and the lockbox relocks by itself.
 *
 * Run: pnpm exec tsx examples/lock-cavity.ts
 */
import { firstValueFrom, lastValueFrom, tap } from 'rxjs';
import { VirtualClock } from '@labrx/core/testing';
import { Board, createSimBoard, fabryPerotPdhLock, sideOfFringeLock, type LockStatus } from 'labrx';
import { fabryPerot, type SimBoard } from '@labrx/hw-sim';

const CAVITY = { finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: 5e6, detuningHz: 1e6, powerV: 0.8 } as const;
const LINEWIDTH_HZ = CAVITY.fsrHz / CAVITY.finesse;

export async function main({ quick = false } = {}): Promise<void> {
  // the loop's rate: 1.95 MHz (64 FPGA cycles per step), or 488 kHz for a quick run (CI)
  const loopDecimation = quick ? 256 : 64;
  // 1. PDH
  {
    const clock = new VirtualClock();
    const cavity = fabryPerot({ ...CAVITY, randomWalkHzPerRtS: 1e5, seed: 3 });
    const sim: SimBoard = createSimBoard({ seed: 3, dut: cavity, scheduler: clock, noiseDensity: 1e-8, loopDecimation });
    const rp = new Board(sim);
    console.log(`cavity: linewidth ${(LINEWIDTH_HZ / 1e3).toFixed(0)} kHz, resonance ${CAVITY.detuningHz / 1e6} MHz from the laser at 0 V on the piezo`);
    const lock$ = rp.lockbox.lock$(fabryPerotPdhLock({ linewidthHz: LINEWIDTH_HZ, piezoHzPerV: CAVITY.piezoHzPerV, modulationHz: 20e6, unityGainHz: 2000 })).pipe(
      tap((e) => {
        const at = `${(e.timeS * 1e3).toFixed(1).padStart(6)} ms`;
        if (e.kind === 'calibration') {
          const c = e.calibration;
          console.log(`${at}  calibrated ${e.input}: ${c.min.toFixed(3)} … ${c.max.toFixed(3)} V (${c.source}${c.centerV !== null ? `, feature at ${c.centerV.toFixed(4)} V on the piezo` : ''})`);
        }
        if (e.kind === 'stage') console.log(`${at}  stage ${e.index} '${e.stage}'`);
        if (e.kind === 'locked') console.log(`${at}  locked`);
      }),
    );
    await clock.run(lastValueFrom(lock$));
    const n = quick ? 50 : 200;
    let ss = 0;
    for (let k = 0; k < n; k++) {
      await clock.advanceBy(1);
      await firstValueFrom(sim.sampler.sample('in2'));
      ss += sim.plantState().detuningHz! ** 2;
    }
    const s = rp.lockbox.status;
    console.log(`residual detuning ${Math.sqrt(ss / n).toFixed(0)} Hz rms over ${n} ms (random walk 1e5 Hz/√s, loop at 2 kHz: theory ${(1e5 / Math.sqrt(4 * Math.PI * 2000)).toFixed(0)} Hz); error signal ${(s.errorV! * 1e3).toFixed(2)} mV, piezo ${s.outputV!.toFixed(4)} V`);
    await clock.run(rp.lockbox.unlock());
    await rp.close();
  }
  // 2. side of fringe, kicked at 0.3 s
  {
    const clock = new VirtualClock();
    const cavity = fabryPerot({ ...CAVITY, kicksAtS: [0.3], kickHz: -1e6, seed: 4 });
    const rp = new Board(createSimBoard({ seed: 4, dut: cavity, scheduler: clock, noiseDensity: 1e-8, loopDecimation }));
    await clock.run(rp.lockbox.lock(sideOfFringeLock({ linewidthHz: LINEWIDTH_HZ, piezoHzPerV: CAVITY.piezoHzPerV, autoRelock: true })));
    let last = '';
    const sub = rp.lockbox.locked$.subscribe((s: LockStatus) => {
      const line = `${s.state}${s.locked ? ' (locked)' : ''}${s.relocks ? `, ${s.relocks} relock` : ''}`;
      if (line !== last) console.log(`${(s.timeS * 1e3).toFixed(1).padStart(6)} ms  ${line}${!s.locked && s.reason ? `: ${s.reason}` : ''}`);
      last = line;
    });
    await clock.advanceBy(quick ? 500 : 800);
    sub.unsubscribe();
    await clock.run(rp.lockbox.unlock());
    await rp.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main({ quick: process.argv.includes('--quick') });
