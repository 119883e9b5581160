import test from 'ava';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '@labrx/core/testing';
import { connect, sideOfFringeLock, startStudio } from 'labrx';
import { StudioSession } from 'labrx/testing';

// Fuzz of studio client→server messages (issue #12): any text a page sends gets a typed 'error'
// reply or is applied; handling never throws, and the server stays up for other pages. Seeded and
// bounded.

const requireFromLabrx = createRequire(fileURLToPath(new URL('../../packages/labrx/package.json', import.meta.url)));
interface WsClient {
  on(event: 'open' | 'close', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
  send(data: string | Buffer): void;
  close(): void;
}
const WebSocket = requireFromLabrx('ws') as new (url: string) => WsClient;

const ordinaryKey = fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !(k in Object.prototype) && k !== '__proto__');
const settingValue = fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 10 }), fc.boolean(), fc.constant(null), fc.array(fc.double(), { maxLength: 3 }), fc.constantFrom(1e308, -1, 0, 2 ** 32));
const settings = fc.dictionary(fc.oneof(ordinaryKey, fc.constantFrom('decimation', 'trigger', 'frequency', 'amplitude', 'output', 'points', 'start', 'stop', 'window', 'unit', 'rbw', 'averages')), settingValue, { maxKeys: 4 });

// lockbox configurations: the editor's shape (named inputs and outputs, stages) with random settings
const lockPart = fc.dictionary(fc.constantFrom('signal', 'model', 'pid', 'dac', 'unityGainHz', 'actuatorGain', 'setpoint', 'input', 'name', 'locateWith', 'minVoltage'), settingValue, { maxKeys: 4 });
const lockConfig = fc.record(
  {
    inputs: fc.oneof(fc.dictionary(fc.constantFrom('transmission', 'pdh', 'a b', ''), lockPart, { maxKeys: 3 }), fc.jsonValue()),
    outputs: fc.oneof(fc.dictionary(fc.constantFrom('piezo', 'temp', 'x'), lockPart, { maxKeys: 3 }), fc.jsonValue()),
    sequence: fc.oneof(fc.array(fc.record({ name: fc.string({ maxLength: 5 }), input: fc.constantFrom('transmission', 'pdh'), outputs: fc.jsonValue() }, { requiredKeys: [] }), { maxLength: 3 }), fc.jsonValue()),
    lossSamples: settingValue,
    sweepOutput: fc.oneof(fc.constantFrom('piezo', ''), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

const message = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom('run', 'settings', 'view', 'ack', 'hello', '', 'pause', 'export', 'save', 'history', 'overlay', 'profile', 'lock', 'lockConfig', 'lockPreset', 'unlock', 'trigger', 'waterfall'),
      instrument: fc.oneof(fc.constantFrom('scope', 'specan', 'na', 'asg0', 'asg1', 'studio', 'shown', 'fleet', 'waterfall'), fc.jsonValue()),
      id: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.jsonValue()),
      paused: fc.oneof(fc.boolean(), fc.jsonValue()),
      format: fc.oneof(fc.constantFrom('csv', 'json', 'npy', 'svg', 'xml'), fc.jsonValue()),
      label: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue()),
      run: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(null), fc.jsonValue()),
      action: fc.oneof(fc.constantFrom('list', 'save', 'load', 'start', 'stop', 'settings', 'ack'), fc.jsonValue()),
      name: fc.oneof(fc.constantFrom('a', '../x', ''), fc.jsonValue()),
      scopeWindow: fc.oneof(fc.constant(null), fc.tuple(fc.double(), fc.double()), fc.jsonValue()),
      mode: fc.oneof(fc.constantFrom('single', 'run', 'stop'), fc.jsonValue()),
      settings: fc.oneof(settings, fc.jsonValue()),
      widths: fc.oneof(fc.record({ scope: fc.double(), specan: fc.double() }), fc.jsonValue()),
      preset: fc.oneof(fc.constantFrom('sideOfFringe', 'fabryPerotPdh', 'michelsonMidFringe', null), fc.jsonValue()),
      config: fc.oneof(lockConfig, fc.jsonValue()),
      options: fc.oneof(fc.dictionary(fc.constantFrom('linewidthHz', 'piezoHzPerV', 'unityGainHz', 'modulationHz', 'piezoMPerV', 'side'), settingValue, { maxKeys: 5 }), fc.jsonValue()),
    },
    { requiredKeys: ['type'] },
  ).map((m) => JSON.stringify(m)),
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 100 }),
  // well-formed editor messages, so that acceptance is exercised too (a preset loaded, a configuration applied)
  fc.constantFrom(
    JSON.stringify({ type: 'lockPreset', preset: 'sideOfFringe', options: { linewidthHz: 5e5, piezoHzPerV: 5e6, unityGainHz: 1000 } }),
    JSON.stringify({ type: 'lockConfig', config: sideOfFringeLock({ linewidthHz: 5e5, piezoHzPerV: 5e6, unityGainHz: 700 }) }),
    JSON.stringify({ type: 'lockConfig', config: sideOfFringeLock({ linewidthHz: 5e5, piezoHzPerV: 5e6, unityGainHz: 300 }) }),
  ),
);

test('StudioSession: random messages get an error reply or are applied; handle never throws', async (t) => {
  const clock = new VirtualClock();
  const board = await connect({ sim: { seed: 8, scheduler: clock } });
  const replies: { type: string }[] = [];
  const session = new StudioSession(board, { sendText: (x) => replies.push(JSON.parse(x) as { type: string }), sendBinary: () => undefined });
  session.start();
  t.teardown(async () => {
    session.close();
    await board.close();
  });
  const kinds = new Map<string, number>();
  fc.assert(
    fc.property(message, (text) => {
      replies.length = 0;
      session.handle(text); // throws nothing
      for (const r of replies) {
        // no catalogue and no profile folder here: 'history' and 'profiles' replies are empty lists
        t.true(['error', 'applied', 'state', 'history', 'profiles', 'overlay', 'lock', 'lockStatus', 'lockConfig', 'lockPreset', 'waterfall'].includes(r.type), `reply ${JSON.stringify(r)} to ${text}`);
        kinds.set(r.type, (kinds.get(r.type) ?? 0) + 1);
      }
    }),
    { seed: 99, numRuns: 3000 },
  );
  // let what was started run a little in virtual time, then everything stops with the session
  await clock.advanceBy(50);
  t.log([...kinds].map(([k, n]) => `${k}: ${n}`).join(', '));
  t.true((kinds.get('error') ?? 0) > 0);
  t.true((kinds.get('lockPreset') ?? 0) > 0 && (kinds.get('lockConfig') ?? 0) > 0, 'editor messages were accepted too');
});

test('a live studio: a page sending random messages stays connected or is dropped, the server stays up for others', async (t) => {
  const studio = await startStudio({ target: 'sim://?seed=9' });
  t.teardown(() => studio.close());
  const url = `ws://127.0.0.1:${studio.port}/ws?token=${studio.token}`;
  const fuzzer = new WebSocket(url);
  let errors = 0;
  fuzzer.on('message', (d, isBinary) => {
    if (!isBinary && (JSON.parse(d.toString()) as { type: string }).type === 'error') errors++;
  });
  fuzzer.on('error', () => undefined);
  await new Promise<void>((resolve) => fuzzer.on('open', resolve));
  const samples = fc.sample(message, { seed: 100, numRuns: 300 });
  for (const text of samples) fuzzer.send(text);
  fuzzer.send(Buffer.from([0, 1, 2, 255])); // a binary message: refused as such
  fuzzer.send(JSON.stringify({ type: 'run', instrument: 'scope', mode: 'stop' }));
  for (let i = 0; i < 500 && errors < 50; i++) await new Promise((r) => setTimeout(r, 10));
  t.true(errors >= 50, `${errors} error replies`);
  // another page is served
  const page = new WebSocket(url);
  const hello = await new Promise<{ type: string }>((resolve) => page.on('message', (d, isBinary) => !isBinary && resolve(JSON.parse(d.toString()) as { type: string })));
  t.is(hello.type, 'hello');
  page.close();
  fuzzer.close();
});
