import test from 'ava';
import { createSimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { IQ_MODULE_SETTINGS, PID_SETTINGS } from '@labrx/core';
import { connect, startStudio } from 'labrx';
import type { ServerMessage } from 'labrx/testing';
import { WebSocket, type WsClient } from '../helpers/pageSocket.js';

// The studio's PID/IQ panel over the WebSocket, as the page drives it: forms from the declarations
// (hello.modules), a field written to the module and its read-back sent as 'applied'.

type Hello = Extract<ServerMessage, { type: 'hello' }>;

async function openPage(port: number, token: string): Promise<{ ws: WsClient; texts: ServerMessage[]; next(pred: (m: ServerMessage) => boolean): Promise<ServerMessage> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  const texts: ServerMessage[] = [];
  ws.on('message', (data, isBinary) => {
    if (!isBinary) texts.push(JSON.parse(data.toString('utf8')) as ServerMessage);
  });
  await new Promise<void>((resolve) => ws.on('open', resolve));
  let from = 0;
  const next = async (pred: (m: ServerMessage) => boolean) => {
    for (let i = 0; i < 2000; i++) {
      const k = texts.findIndex((m, j) => j >= from && pred(m));
      if (k >= 0) {
        from = k + 1;
        return texts[k]!;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('no such message within 10 s');
  };
  return { ws, texts, next };
}

test('a board with PIDs and IQ modules: the panel has pid0–pid2 and iq0–iq2 with the declared fields; a field set is written and read back', async (t) => {
  const rp = await connect({ sim: { seed: 4, loopDecimation: 256 } });
  const studio = await startStudio({ board: rp });
  t.teardown(async () => {
    await studio.close();
    await rp.close();
  });
  const page = await openPage(studio.port, studio.token);
  const hello = (await page.next((m) => m.type === 'hello')) as Hello;
  t.deepEqual(hello.modules.map((m) => m.name), ['pid0', 'pid1', 'pid2', 'iq0', 'iq1', 'iq2']);
  t.deepEqual(hello.modules[0]!.fields, PID_SETTINGS.fields(rp.info));
  t.deepEqual(hello.modules[3]!.fields, IQ_MODULE_SETTINGS.fields(rp.info));
  // the read-back of every module follows
  for (const name of ['pid0', 'iq2']) t.like(await page.next((m) => m.type === 'applied' && m.instrument === name), { settings: name === 'pid0' ? { p: 0, input: 'pid0' } : { input: 'off' } });

  page.ws.send(JSON.stringify({ type: 'settings', instrument: 'pid0', settings: { p: 0.3 } }));
  const applied = await page.next((m) => m.type === 'applied' && m.instrument === 'pid0');
  const board = await rp.pid0!.get();
  t.deepEqual((applied as { settings: unknown }).settings, { ...board, ival: (applied as { settings: { ival: number } }).settings.ival });
  t.true(Math.abs(board.p - 0.3) <= 2 ** -13, `p ${board.p}`);

  page.ws.send(JSON.stringify({ type: 'settings', instrument: 'iq1', settings: { frequencyHz: 1e5 } }));
  await page.next((m) => m.type === 'applied' && m.instrument === 'iq1');
  t.true(Math.abs((await rp.iq1.get()).frequencyHz - 1e5) < 0.03);

  // a bad value: the SettingsError with its fields, nothing written
  page.ws.send(JSON.stringify({ type: 'settings', instrument: 'pid0', settings: { i: 1e6 } }));
  const error = await page.next((m) => m.type === 'error');
  t.like(error, { instrument: 'pid0', error: { name: 'SettingsError', instrument: 'pid0', setting: 'i', value: '1000000' } });
  t.regex((error as { error: { allowed: string } }).error.allowed, /a number from -38856\.\d+ to 38856\.\d+ \(Hz\)/);
  t.is((await rp.pid0!.get()).i, 0);
  page.ws.close();
});

test('a plain SCPI board (no PIDs, no IQ module configuration): no module forms, and a module message is refused naming why', async (t) => {
  const sim = createSimBoard({ seed: 1 });
  const server = await startScpiServer({ board: sim, port: 0 });
  const rp = await connect(server.url);
  const studio = await startStudio({ board: rp });
  t.teardown(async () => {
    await studio.close();
    await rp.close();
    await server.close();
    await sim.close();
  });
  const page = await openPage(studio.port, studio.token);
  const hello = (await page.next((m) => m.type === 'hello')) as Hello;
  t.deepEqual(hello.modules, []);
  page.ws.send(JSON.stringify({ type: 'settings', instrument: 'pid0', settings: { p: 1 } }));
  const error = await page.next((m) => m.type === 'error');
  t.like(error, { instrument: 'pid0', error: { setting: 'instrument', value: '"pid0"' } });
  t.regex((error as { error: { allowed: string } }).error.allowed, /none \(it has no PID or IQ modules\)/);
  page.ws.close();
});
