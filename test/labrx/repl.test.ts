import test from 'ava';
import { PassThrough } from 'node:stream';
import { startRepl, completeSetting, type LabrxRepl } from 'labrx';
import { SIM_BOARD_INFO } from '@labrx/hw-sim';
import { buildProgram, parseDut } from 'labrx/testing';

/** A REPL on streams (not a TTY), and a way to send a line and wait until `expect` appears in the output. */
async function driven(): Promise<{ session: LabrxRepl; send(line: string, expect: RegExp): Promise<string> }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const session = await startRepl({ input, output, terminal: false, sim: { seed: 3 } });
  return {
    session,
    async send(line, expect) {
      const from = text.length;
      input.write(`${line}\n`);
      for (let i = 0; i < 400 && !expect.test(text.slice(from)); i++) await new Promise((r) => setTimeout(r, 25));
      return text.slice(from);
    },
  };
}

function complete(session: LabrxRepl, line: string): Promise<[string[], string]> {
  // `completer` is what Tab calls (Node's readline), here with labrx's settings completion in front
  const completer = session.server.completer as (line: string, cb: (err: Error | null, result: [string[], string]) => void) => void;
  return new Promise((resolve, reject) => completer(line, (err, result) => (err ? reject(err) : resolve(result))));
}

test('the REPL has rp (async, top-level await) and rps (blocking), each answering on the embedded simulator', async (t) => {
  const { session, send } = await driven();
  t.teardown(() => session.close());
  t.regex(await send('rps.scope.single({ decimation: 8 }).ch1.length', /16384/), /16384/);
  t.regex(await send('(await rp.scope.single({ decimation: 8 })).ch2.length', /16384/), /16384/, 'top-level await works');
  t.regex(await send("rps.asg0.set({ frequency: 1234, amplitude: 0.1, output: 'out1' }).frequency", /1234/), /1234/);
  t.regex(await send('rps.asg0.settings.amplitude', /0\.1/), /0\.1/);
  const bad = await send('rps.scope.single({ decimation: 3 })', /allowed: 'a power of 2/);
  t.regex(bad, /SettingsError/, 'a typed error is shown with its fields');
  t.regex(bad, /setting: 'decimation'/);
});

test('Tab completes instruments and methods (Node) and setting names and choices (rule tables)', async (t) => {
  const { session } = await driven();
  t.teardown(() => session.close());
  const [instruments] = await complete(session, 'rps.sc');
  t.true(instruments.includes('rps.scope'), instruments.join(' '));
  const [methods] = await complete(session, 'rps.scope.si');
  t.true(methods.includes('rps.scope.single'), methods.join(' '));
  t.deepEqual(await complete(session, 'rps.scope.single({ deci'), [['decimation'], 'deci']);
  t.deepEqual(await complete(session, "rps.asg0.set({ frequency: 5, waveform: 'sq"), [["'square'"], "'sq"]);
  const [all] = await complete(session, 'await rp.specan.single({ span: 1e6, ');
  t.true(all.includes('window') && all.includes('unit') && all.includes('averages'), all.join(' '));
});

test('completeSetting knows every instrument of the sync table and leaves other lines to Node', (t) => {
  t.deepEqual(completeSetting('rps.na.single({ st'), [['start', 'stop'], 'st']);
  t.deepEqual(completeSetting('x.scope.stream({ trigger: "ch1-r'), [['"ch1-rising"'], '"ch1-r']);
  t.is(completeSetting('rps.scope.single('), undefined);
  t.is(completeSetting('const x = { dec'), undefined);
});

test('closing the REPL closes both boards and ends the engine thread', async (t) => {
  const { session } = await driven();
  session.server.write('.exit\n');
  await session.closed;
  t.true(session.rp.isClosed);
  t.true(session.rps.isClosed);
  await session.rps.exited;
});

test('labrx repl: the command line parses its options', async (t) => {
  const program = buildProgram();
  t.true(program.commands.some((c) => c.name() === 'repl'));
  t.deepEqual(parseDut('resonator:f0=1e6,q=20,gain=0.5'), { kind: 'resonator', f0: 1e6, q: 20, gain: 0.5 });
  t.throws(() => parseDut('lowpass:cutoff=abc'), { message: /dut = "lowpass:cutoff=abc" is not allowed: wire, resonator/ });
  const help = program.commands.find((c) => c.name() === 'repl')!.helpInformation();
  t.regex(help, /--board <url>/);
  t.regex(help, /--procedures <module>/);
});

test('completion comes from the declarations: a new setting (scope gain) completes with its choices; prototype names complete nothing', (t) => {
  t.deepEqual(completeSetting('rps.scope.single({ ga'), [['gain'], 'ga']);
  t.deepEqual(completeSetting("rps.scope.setDefaults({ gain: '"), [["'lv'", "'hv'"], "'"]);
  t.deepEqual(completeSetting("rps.scope.single({ constructor: '"), [[], '']);
  t.deepEqual(completeSetting("rps.asg0.set({ toString: 'x"), [[], '']);
});

test('completeSetting: PID and IQ module settings from their declarations (PID_SETTINGS, IQ_MODULE_SETTINGS), with the board\'s signals', (t) => {
  const info = SIM_BOARD_INFO;
  t.deepEqual(completeSetting('rp.pid0?.set({ inp', info), [['input', 'inputFilterHz'], 'inp']);
  t.deepEqual(completeSetting("rp.pid2.set({ outputDirect: 'o", info), [["'off'", "'out1'", "'out2'"], "'o"]);
  t.deepEqual(completeSetting("rp.pid1.set({ input: 'in", info), [["'in1'", "'in2'"], "'in"]);
  // an IQ module's set takes its standing configuration; measure$ a measurement request
  t.deepEqual(completeSetting('rp.iq0.set({ outputS', info), [['outputSignal'], 'outputS']);
  t.deepEqual(completeSetting('rp.iq0.measure$({ sett', info), [['settleS'], 'sett']);
});
