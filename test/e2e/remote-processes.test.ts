import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { boardSubject, connectNats, decodeFrame, type NatsConnection } from '@labrx/remote';
import { WebSocket } from '../helpers/pageSocket.js';
import { natsServerAvailable, startNatsServer, type NatsServerProcess } from '../helpers/natsServer.js';
import { testNeeding } from '../helpers/testNeeding.js';
import { pollUntil } from '../helpers/until.js';

// Issue #15 end to end, every party its own process: two `labrx serve` processes (lab1 and lab2,
// one simulated board each), `labrx studio` on lab1's board over NATS with a page connected to it,
// and a script streaming the same board. The studio and the script ask for the same scope settings,
// so the board server runs ONE acquisition loop for both (its `info` reply counts loops and clients).

const LABRX = fileURLToPath(new URL('../../packages/labrx/bin/labrx.mjs', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./remoteScopeScript.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spawns a child and resolves with it and its output so far once its stdout matches `ready`. */
function start(args: readonly string[], ready: RegExp, children: ChildProcess[]): Promise<{ child: ChildProcess; out: () => string; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, out: () => out, match });
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => reject(new Error(`${args.slice(1, 3).join(' ')} exited (${code}): ${out}${err}`)));
  });
}

/** The live counts a board server reports for one of its boards. */
async function boardInfo(nc: NatsConnection, server: string, board: string): Promise<{ loops: number; clients: number }> {
  const reply = await nc.request(boardSubject(server, board, 'info'), new TextEncoder().encode('{}'), { timeout: 5000 });
  const frame = decodeFrame(reply.data);
  if (frame.kind !== 'ok') throw new Error(`info of ${server}/${board}: ${JSON.stringify(frame)}`);
  return frame.value as { loops: number; clients: number };
}

testNeeding(natsServerAvailable, 'nats-server', 'two board-server processes, the studio and a script in their own processes: the studio and the script share one acquisition of one board', async (t) => {
  const children: ChildProcess[] = [];
  let nats: NatsServerProcess | undefined;
  let nc: NatsConnection | undefined;
  let page: InstanceType<typeof WebSocket> | undefined;
  try {
    nats = await startNatsServer();
    const serve = (name: string, seed: number) =>
      start([LABRX, 'serve', '--nats', nats!.url, '--name', name, '--board', 'sim', '--seed', String(seed), '--heartbeat-ms', '200'], /labrx serve:/, children);
    await Promise.all([serve('lab1', 1), serve('lab2', 2)]);
    const lab1 = `${nats.url}/lab1/board0`;
    const studio = await start([LABRX, 'studio', '--board', lab1], /labrx studio on .*: http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/, children);
    const [, port, token] = studio.match;

    // the page: takes the studio's scope settings from its greeting, then runs the scope at decimation 2048
    page = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
    let hello: { settings: { scope: Record<string, unknown> } } | undefined;
    let scopeFrames = 0;
    page.on('message', (data, isBinary) => {
      if (isBinary) scopeFrames++;
      else {
        const m = JSON.parse(data.toString()) as { type: string };
        if (m.type === 'hello') hello = m as never;
      }
    });
    page.on('error', () => undefined);
    await new Promise<void>((resolve) => page!.on('open', resolve));
    await pollUntil(() => hello !== undefined, () => sleep(10), "the studio's hello");
    // 16384 · 2048 / 125 MHz = 268 ms per acquisition: long against a NATS round trip on loopback
    const settings = { ...hello!.settings.scope, decimation: 2048 };
    page.send(JSON.stringify({ type: 'run', instrument: 'scope', mode: 'run', settings }));
    const ackLoop = setInterval(() => page!.send(JSON.stringify({ type: 'ack', instrument: 'scope' })), 50);
    t.teardown(() => clearInterval(ackLoop));
    nc = await connectNats(nats.url);
    while ((await boardInfo(nc, 'lab1', 'board0')).loops < 1) await sleep(50);

    // the script: first one trace from lab2's board (the second server process), then the same stream as the studio
    const script = await start(['--import=tsx', SCRIPT, lab1, JSON.stringify(settings), `${nats.url}/lab2/board0`], /(trace .*\n.*){3}/, children);
    t.regex(script.out(), /^other 16384$/m, 'the script took a trace from lab2');
    const info = await boardInfo(nc, 'lab1', 'board0');
    t.is(info.loops, 1, 'one acquisition loop on lab1 for the studio and the script');
    t.true(info.clients >= 2, `${info.clients} clients of lab1/board0`);
    const framesBefore = scopeFrames;
    while (scopeFrames < framesBefore + 2) await sleep(20);
    // the studio's page and the script both still receive traces from the one loop
    t.true(scopeFrames >= 2);
    script.child.stdin!.end();
  } finally {
    page?.terminate();
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await nc?.close();
    await nats?.stop();
  }
});
