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
  /**
   * After this many ms the child is killed (SIGKILL) and the result has code null and a line saying so
   * on stderr. Default 180 s: below the test run's inactivity timeout, so a hung child fails its test
   * by name (docs/decisions/0026-test-watchdog.md).
   */
  readonly timeoutMs?: number | undefined;
}

/** The limit of a child process when the caller states none, ms. */
export const RUN_PROCESS_DEFAULT_TIMEOUT_MS = 180_000;

/** Runs `cmd args` as a script would (its own process, no terminal, no input) and collects its output. */
export function runProcess(cmd: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const limitMs = options.timeoutMs ?? RUN_PROCESS_DEFAULT_TIMEOUT_MS;
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = (code: number | null): void => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: killed ? `${stderr}\n[runProcess: killed after ${limitMs} ms]` : stderr });
    };
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', done);
    // a killed child whose own children still hold its output open: its exit is enough
    child.on('exit', (code) => {
      if (killed) done(code);
    });
  });
}

/** The last line of a child's stdout parsed as JSON (`{}` when it printed nothing): how the e2e Python scripts report. */
export function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}
