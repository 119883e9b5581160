import test, { type ExecutionContext } from 'ava';
import type { Socket } from 'node:net';
import { listenTcp } from '@labrx/core/net';
import { firstValueFrom } from 'rxjs';
import { ConnectionLostError, SCOPE_DEFAULTS, TimeoutError } from '@labrx/core';
import { FpgaImageError, connectPyrplBoard, decodeHeader, encodeWords } from '@labrx/pyrpl';

// A scripted monitor_server: answers like PyRPL's FPGA (iq0's constants, zeros elsewhere, writes
// acknowledged) until the test tells it to misbehave.
type Mode = 'ok' | 'silent' | 'drop' | 'wrong-header' | 'not-pyrpl';
async function fakeServer(): Promise<{ port: number; mode: Mode; sockets: ReadonlySet<Socket>; close(): Promise<void> }> {
  const state = { mode: 'ok' as Mode };
  const listener = await listenTcp({ host: '127.0.0.1', port: 0 }, (socket) => {
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (buf.length < 8) return;
        const h = decodeHeader(buf);
        const need = 8 + (h.command === 0x77 ? 4 * h.count : 0);
        if (buf.length < need) return;
        const header = buf.subarray(0, 8);
        buf = buf.subarray(need);
        if (state.mode === 'silent') continue;
        if (state.mode === 'drop') return void socket.destroy();
        if (h.command === 0x77) {
          socket.write(state.mode === 'wrong-header' ? Buffer.from('w\0\0\0\0\0\0\0') : header);
          continue;
        }
        const words = new Array<number>(h.count).fill(0);
        if (h.address === 0x40350200 && state.mode !== 'not-pyrpl') [11, 17, 32, 18, 14, 24, 8].forEach((v, i) => (words[i] = v));
        if (state.mode === 'wrong-header') header[4]! ^= 4;
        socket.write(Buffer.concat([header, encodeWords(words)]));
      }
    });
  });
  const { port, sockets } = listener;
  return {
    port,
    get mode() {
      return state.mode;
    },
    set mode(m: Mode) {
      state.mode = m;
    },
    sockets,
    close: () => listener.close(),
  };
}

/** A fake monitor_server and PyrplBoard connected to it with `timeoutMs` (ms), both closed after the test. */
async function boardOnFake(t: ExecutionContext, timeoutMs: number) {
  const fake = await fakeServer();
  t.teardown(() => fake.close());
  const board = await connectPyrplBoard({ host: '127.0.0.1', port: fake.port, timeoutMs });
  t.teardown(() => board.close());
  return { fake, board };
}

test('a server that stops answering: TimeoutError within the timeout, no request left in flight, the next request reconnects', async (t) => {
  const { fake, board } = await boardOnFake(t, 200);
  fake.mode = 'silent';
  const started = performance.now();
  await t.throwsAsync(board.readWord(0x40100000), { instanceOf: TimeoutError });
  const took = performance.now() - started;
  t.true(took >= 190 && took < 700, `${took} ms`);
  t.is(board.transport.inFlight, 0);
  // an acquisition fails the same way (its first write gets no answer)
  await t.throwsAsync(firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 8 })), { instanceOf: TimeoutError });
  t.false(board.scopeRunning);
  fake.mode = 'ok';
  t.is(await board.readWord(0x40350200), 11);
  t.true(board.transport.connections >= 2, 'a new connection after the timeout, as PyRPL resynchronises');
});

test('a dropped link fails the acquisition in flight with ConnectionLostError at once', async (t) => {
  const { fake, board } = await boardOnFake(t, 5000);
  // the fake scope never finishes (control reads 0… but the trigger wait at decimation 65536 is 8.6 s)
  const pending = firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 65536 }));
  pending.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 50));
  const started = performance.now();
  for (const s of fake.sockets) s.destroy();
  await t.throwsAsync(pending, { instanceOf: ConnectionLostError });
  t.true(performance.now() - started < 500);
  t.false(board.scopeRunning);
});

test('a reply header that differs is a lost sync: ConnectionLostError, never the words', async (t) => {
  const { fake, board } = await boardOnFake(t, 2000);
  fake.mode = 'wrong-header';
  const e = await t.throwsAsync(board.readWord(0x40100000), { instanceOf: ConnectionLostError });
  t.regex(e!.message, /lost sync/);
  await t.throwsAsync(firstValueFrom(board.write$(0x40100000, [1])), { instanceOf: ConnectionLostError });
});

test("a board without PyRPL's FPGA image is refused with FpgaImageError, its socket closed", async (t) => {
  const fake = await fakeServer();
  t.teardown(() => fake.close());
  fake.mode = 'not-pyrpl';
  await t.throwsAsync(connectPyrplBoard({ host: '127.0.0.1', port: fake.port }), { instanceOf: FpgaImageError });
  const deadline = performance.now() + 1000;
  while (fake.sockets.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.is(fake.sockets.size, 0);
});

test('a refused connection is ConnectionLostError; a silent one TimeoutError', async (t) => {
  const fake = await fakeServer();
  const port = fake.port;
  await fake.close();
  await t.throwsAsync(connectPyrplBoard({ host: '127.0.0.1', port }), { instanceOf: ConnectionLostError });
  const silent = await fakeServer();
  t.teardown(() => silent.close());
  silent.mode = 'silent';
  await t.throwsAsync(connectPyrplBoard({ host: '127.0.0.1', port: silent.port, timeoutMs: 150 }), { instanceOf: TimeoutError });
});
