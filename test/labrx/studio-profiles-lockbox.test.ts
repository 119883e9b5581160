import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@labrx/core/testing';
import { plainLockboxConfig, resolveLockboxConfig, type LockboxConfig } from '@labrx/instruments';
import { connect, loadProfile, sideOfFringeLock, startStudio, type Board } from 'labrx';
import { StudioSession, StudioState, type ServerMessage } from 'labrx/testing';
import { WebSocket } from '../helpers/pageSocket.js';

// The studio's last state and its named profiles carry the IQ modules and the lockbox's
// configuration (docs/decisions/0015-profiles.md): an Apply in the lockbox editor and an IQ field set
// are written to the last state; loading a profile puts the configuration back in every open
// editor (Lockbox.config$), and the next start's hello carries it.

/** The side-of-fringe preset with its loop slowed to 400 Hz and a second stage, as edited in the editor. */
function edited(rp: Board): LockboxConfig {
  const preset = plainLockboxConfig(resolveLockboxConfig(sideOfFringeLock({ linewidthHz: 500e3, piezoHzPerV: 5e6 }), rp.info));
  const side = preset.sequence[0]!;
  return { ...preset, outputs: { piezo: { ...preset.outputs.piezo, unityGainHz: 400 } }, sequence: [side, { ...side, name: 'closer', setpoint: 0.7, outputs: { piezo: { lock: true } } }] };
}

async function waitFor(done: () => boolean, what: string): Promise<void> {
  // returns as soon as it is there; 10 s for a loaded machine
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!done()) throw new Error(`no ${what} within 10 s`);
}

test('studio: the lockbox editor’s Apply and an IQ field go to the last state and to a named profile; loading it updates the editor; the next start’s hello carries it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'labrx-studio-lockstate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const board = await connect({ sim: { seed: 3, scheduler: new VirtualClock() } });
  t.teardown(() => board.close());
  const state = new StudioState(dir);
  const texts: ServerMessage[] = [];
  const s = new StudioSession(board, { sendText: (x) => texts.push(JSON.parse(x) as ServerMessage), sendBinary: () => undefined }, {}, { state });
  s.start();
  const send = (m: unknown) => s.handle(JSON.stringify(m));
  const config = edited(board);

  // Apply in the editor, an IQ field: each is written to the last state
  const lastHas = (re: RegExp) => existsSync(state.lastStatePath) && re.test(readFileSync(state.lastStatePath, 'utf8'));
  t.false(existsSync(state.lastStatePath));
  send({ type: 'lockConfig', config });
  await waitFor(() => lastHas(/^lockbox:\n/m), 'last state with the lockbox');
  send({ type: 'settings', instrument: 'iq1', settings: { input: 'in2', frequencyHz: 200e3, phaseDeg: 25 } });
  await waitFor(() => lastHas(/^iq1:\n {2}input: in2$/m), 'last state with iq1');
  t.deepEqual((await loadProfile(state.lastStatePath)).lockbox, config, 'the configuration in force, as applied');

  // a named profile; then a script configures another lockbox and retunes iq1; the profile back
  let from = texts.length;
  send({ type: 'profile', action: 'save', name: 'cavity' });
  await waitFor(() => texts.slice(from).some((m) => m.type === 'profiles'), 'profiles reply');
  board.lockbox.configure(sideOfFringeLock({ linewidthHz: 500e3, piezoHzPerV: 5e6 }));
  await board.iq1.set({ frequencyHz: 1e3 });
  await waitFor(() => texts.some((m) => m.type === 'lockConfig' && m.config?.sequence.length === 1), "the script's configuration in the editor");
  from = texts.length;
  send({ type: 'profile', action: 'load', name: 'cavity' });
  await waitFor(() => texts.slice(from).some((m) => m.type === 'profiles'), 'profiles reply');
  t.like(texts.slice(from).find((m) => m.type === 'profiles'), { done: 'loaded cavity' });
  // the editor shows the restored configuration (config$), the IQ panel the restored module
  t.deepEqual(texts.slice(from).find((m) => m.type === 'lockConfig'), { type: 'lockConfig', config });
  t.deepEqual(plainLockboxConfig(board.lockbox.config!), config);
  await waitFor(() => texts.slice(from).some((m) => m.type === 'applied' && m.instrument === 'iq1'), 'iq1 read back');
  const iq1 = texts.slice(from).find((m) => m.type === 'applied' && m.instrument === 'iq1') as { settings: { frequencyHz: number; phaseDeg: number; input: string } };
  t.true(Math.abs(iq1.settings.frequencyHz - 200e3) < 0.03, `iq1 ${iq1.settings.frequencyHz} Hz`);
  t.is(iq1.settings.input, 'in2');
  t.is(board.lockbox.status.state, 'unlocked', 'loading configures, it does not lock');
  s.close();
  await waitFor(() => lastHas(/unityGainHz: 400/), 'last state after the load');

  // the next start on another board: the last state restored before the page opens; its hello carries it
  const board2 = await connect({ sim: { seed: 4 } });
  t.teardown(() => board2.close());
  const studio = await startStudio({ board: board2, stateDir: dir });
  t.teardown(() => studio.close());
  t.deepEqual(plainLockboxConfig(board2.lockbox.config!), config);
  const ws = new WebSocket(`ws://127.0.0.1:${studio.port}/ws?token=${studio.token}`);
  const page: ServerMessage[] = [];
  ws.on('message', (data, isBinary) => {
    if (!isBinary) page.push(JSON.parse(data.toString('utf8')) as ServerMessage);
  });
  await waitFor(() => page.some((m) => m.type === 'hello') && page.some((m) => m.type === 'applied' && m.instrument === 'iq1'), 'hello and the modules');
  const hello = page.find((m) => m.type === 'hello') as Extract<ServerMessage, { type: 'hello' }>;
  t.deepEqual(hello.lockbox!.config, config);
  t.is(hello.lockbox!.configured, true);
  const applied = page.find((m) => m.type === 'applied' && m.instrument === 'iq1') as { settings: { frequencyHz: number; phaseDeg: number } };
  t.true(Math.abs(applied.settings.frequencyHz - 200e3) < 0.03 && Math.abs(applied.settings.phaseDeg - 25) < 0.01, JSON.stringify(applied.settings));
  ws.close();
});
