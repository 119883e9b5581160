/** Measuring helpers shared by the benches. */

/** The median of `xs` (the upper middle one for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** CPU time (user + system) of this process so far, ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Warms `step` up (50 calls), runs it for `roundMs` of CPU time and returns its rate (steps per CPU second). */
export function stepRatePerCpuS(step: () => void, roundMs: number): number {
  for (let i = 0; i < 50; i++) step(); // warm up the JIT
  let count = 0;
  const start = cpuMs();
  let now = start;
  while (now - start < roundMs) {
    for (let i = 0; i < 10; i++) step();
    count += 10;
    now = cpuMs();
  }
  return (count * 1000) / (now - start);
}

/** Runs `once` back to back for `ms` of wall time (ms); returns completed calls per second. */
export async function rate(once: () => unknown, ms: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await once();
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

/** Starts `labrx-sim` (SCPI, OS-picked port) in its own process; resolves with its URL and the process. */
export async function spawnLabrxSim(args: readonly string[] = ['--seed', '1']): Promise<{ url: string; sim: import('node:child_process').ChildProcess }> {
  const { spawn } = await import('node:child_process');
  const sim = spawn(process.execPath, ['packages/hw-sim/bin/labrx-sim.mjs', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    sim.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (scpi:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    sim.on('exit', (code) => reject(new Error(`labrx-sim exited with ${code}`)));
  });
  return { url, sim };
}
