import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** The nats-server binary (Debian's package installs it in /usr/sbin, which a user's PATH may lack). */
export const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', 'nats-server'].find((p) => spawnSync(p, ['--version']).status === 0);

/** True when nats-server can run here. */
export const natsServerAvailable = NATS_SERVER !== undefined;

/** A nats-server child process on 127.0.0.1. */
export interface NatsServerProcess {
  /** 'nats://127.0.0.1:<port>' */
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, then waits for exit). */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port (and with the same arguments). */
  restart(): Promise<void>;
}

/** A free TCP port on 127.0.0.1: listen on port 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts nats-server on a free loopback port with `args` (e.g. ['--auth', 'secret']); resolves once it accepts clients. */
export async function startNatsServer(args: readonly string[] = []): Promise<NatsServerProcess> {
  if (!NATS_SERVER) throw new Error('nats-server is not installed (apt-get install nats-server)');
  const port = await freePort();
  let child: ChildProcess = await launch(port, args);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop: () => halt(child),
    async restart() {
      await halt(child);
      child = await launch(port, args);
    },
  };
}

function launch(port: number, args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(NATS_SERVER!, ['-a', '127.0.0.1', '-p', String(port), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const onData = (c: Buffer): void => {
      log += c.toString();
      if (log.includes('Server is ready')) {
        child.stderr!.off('data', onData);
        child.stderr!.resume();
        resolve(child);
      }
    };
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`nats-server exited (${code}) before it was ready:\n${log}`)));
  });
}

function halt(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
