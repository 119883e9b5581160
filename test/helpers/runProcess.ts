import { spawn } from 'node:child_process';

/** What a finished child process left: its exit code and everything it printed. */
export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where and how long a child process runs. */
export interface RunProcessOptions {
  readonly cwd?: string | undefined;
  /** The child's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** After this many ms the child is killed (SIGKILL) and resolves with code null. Default: no limit. */
  readonly timeoutMs?: number | undefined;
}

/** Runs `cmd args` as a script would (its own process, no terminal, no input) and collects its output. */
export function runProcess(cmd: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The last line of a child's stdout parsed as JSON (`{}` when it printed nothing): how the e2e Python scripts report. */
export function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}
