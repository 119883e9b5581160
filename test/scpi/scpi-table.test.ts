import test from 'ava';
import { createSimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { connectScpiBoard, createRedPitayaCommandTable, fill, queryLine, RP_COMMANDS, RP_SCPI, setLine, type ScpiControl } from '@labrx/scpi';

// The driver's command table (one declaration per command) is played against the server's: every
// setting the driver writes reads back the same through the server, and every command it uses exists
// there. A command renamed on one side only fails here.

const SAMPLES: { [K in keyof typeof RP_SCPI]: (typeof RP_SCPI)[K] extends ScpiControl<infer T> ? T : never } = {
  decimation: 64,
  averaging: false,
  triggerLevel: 0.25,
  triggerHysteresis: 0.01,
  triggerDelay: 100,
  gain: 'HV',
  dataFormat: 'BIN',
  dataUnits: 'RAW',
  byteOrder: 'LEND',
  genFunction: 'TRIANGLE',
  genFrequency: 12345,
  genAmplitude: 0.25,
  genOffset: -0.5,
  genPhase: 45,
  genOutput: true,
  genTriggerSource: 'EXT_NE',
  genBurstMode: 'BURST',
  // NCYC 7 of 12345 Hz from 45° lasts (7 − 1/8)/12345 Hz = 557 µs, within the 1000 µs period; with the
  // last and initial levels the FPGA holds (−0.5 V at phase 0; −0.5 + 0.25·0.5 V at 45°) the board plays real bursts
  genBurstCycles: 7,
  genBurstCount: 3,
  genBurstPeriod: 1000,
  genLastValue: -0.5,
  genInitValue: -0.375,
  retOnError: true,
};

test('every RP_SCPI setting round-trips through the server; every RP_COMMANDS command exists there', async (t) => {
  const sim = createSimBoard({ seed: 1 });
  const server = await startScpiServer({ board: sim, port: 0 });
  const board = await connectScpiBoard(server.url);
  t.teardown(async () => {
    await board.close();
    await server.close();
    await sim.close();
  });
  for (const [name, control] of Object.entries(RP_SCPI) as [keyof typeof RP_SCPI, ScpiControl<unknown>][]) {
    const value = SAMPLES[name];
    for (const ch of control.header.includes('#') ? [1, 2] : [undefined]) {
      await board.send(setLine(control, value, ch));
      t.is(await board.query('SYST:ERR:COUN?'), '0', `${name}: ${setLine(control, value, ch)}`);
      if (control.query) t.deepEqual(control.codec.parse(await board.query(queryLine(control, ch))), value, name);
    }
  }
  const uses: string[] = [
    RP_COMMANDS.idn,
    RP_COMMANDS.boardName,
    RP_COMMANDS.nextError,
    RP_COMMANDS.triggerState,
    fill(RP_COMMANDS.data, undefined, 1),
    fill(RP_COMMANDS.data, undefined, 2),
  ];
  for (const q of uses) {
    const reply = await board.query(`${q};:SYST:ERR:COUN?`);
    t.true(reply.endsWith(';0'), `${q} → ${reply.slice(-40)}`);
  }
  for (const c of [RP_COMMANDS.start, fill(RP_COMMANDS.trigger, 'NOW'), RP_COMMANDS.stop, fill(RP_COMMANDS.genArbitrary, '0.5,0.25', 2), fill(RP_COMMANDS.genTrigger, undefined, 2), RP_COMMANDS.clearStatus]) {
    await board.send(c);
    t.is(await board.query(RP_COMMANDS.errorCount), '0', c);
  }
});

test('the server registers every shared setting from the one protocol table: same header, same doc', (t) => {
  const table = createRedPitayaCommandTable();
  for (const [name, control] of Object.entries(RP_SCPI) as [string, ScpiControl<unknown>][]) {
    const setter = table.commands.find((c) => c.pattern === control.header);
    t.truthy(setter, `${name}: ${control.header} is not a server command`);
    t.is(setter?.doc, control.doc, name);
    const query = table.commands.find((c) => c.pattern === `${control.header}?`);
    t.is(query !== undefined, control.query, `${name}: query registered iff declared`);
  }
});
