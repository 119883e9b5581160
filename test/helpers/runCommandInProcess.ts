import { Writable } from 'node:stream';
import type { buildScopeCommand } from 'labrx/testing';
import type { CliIo } from 'labrx/testing';

type Command = ReturnType<typeof buildScopeCommand>;

/**
 * Runs one `labrx` subcommand in this process (a process costs a second of start-up; the exit-code
 * contract itself is checked on real processes): the same code, its output and exit code captured.
 */
export async function runCommandInProcess(build: (io: CliIo) => Command, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { code: 0, stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out[key] += chunk.toString();
        done();
      },
    });
  const io: CliIo = { stdout: sink('stdout'), stderr: sink('stderr'), fail: (code) => (out.code = code) };
  await build(io).exitOverride().parseAsync(args, { from: 'user' });
  return out;
}
