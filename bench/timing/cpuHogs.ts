/**
 * Oversubscription on purpose: busy child processes that compete for the cores, so that the bench
 * can show how each sleep behaves when the OS must share the CPU (a loaded CI machine, a laptop
 * compiling something). Only this bench's own children are started, and they are killed by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Runs `body` while `count` busy-looping child processes compete for the CPU; always kills them. */
export async function withCpuHogs<T>(count: number, body: () => Promise<T>): Promise<T> {
  const hogs: ChildProcess[] = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  try {
    // Let them start spinning before measuring.
    await new Promise<void>((resolve) => setTimeout(resolve, 200));
    return await body();
  } finally {
    for (const hog of hogs) hog.kill('SIGKILL');
    await Promise.all(hogs.map((hog) => (hog.exitCode !== null || hog.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => hog.once('exit', () => resolve())))));
  }
}
