import { RP_COMMANDS, RP_SCPI } from '../protocol/redPitayaScpi.js';
import { ScpiCommandError } from './scpiErrors.js';
import { command, control, type ScpiCommand, type ScpiCommandContext } from './ScpiCommandTable.js';

/** `*IDN?` of firmware 2.07. */
export const IDN_2_07 = 'REDPITAYA,INSTR2025,,01-21';
/** `SYST:VERS?`: `<ver> (<rev>)` from 2.04 on; the revision names the simulator. */
export const SYSTEM_VERSION = '2.07-48 (labrx-sim)';
/** `SYST:BRD:ID?`: rp_HPeModels_t STEM_125_14_v1_1. */
export const BOARD_ID = 2;
/** `SYST:BRD:Name?` */
export const BOARD_NAME = 'STEMlab 125-14 v1.1';

const DAY_MS = 86_400_000;

function quote(text: string): string {
  return `"${text.split('"').join('""')}"`;
}

function byte(c: ScpiCommandContext): number {
  const v = c.params.int();
  if (v < 0 || v > 255) throw new ScpiCommandError(-224);
  return v;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Parses `a<sep>b<sep>c` into three integers, or throws −200 as the firmware's checks do. */
function triple(text: string, sep: string): [number, number, number] {
  const parts = text.split(sep).map((s) => Number(s));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n))) throw new ScpiCommandError(-200, 'Unable to read parameter.');
  return parts as [number, number, number];
}

/** IEEE 488.2 common commands, SYSTem, RP: (reference §1, System). `help` lists every pattern. */
export function systemCommands(help: () => readonly string[]): readonly ScpiCommand[] {
  return [
    command(RP_COMMANDS.clearStatus, 'Run: clear both error queues and the event status register.', (c) => c.session.clearStatus()),
    ...control('*ESE', 'Control the event status enable register (0 to 255).', {
      get: (c) => String(c.session.ese),
      set: (c) => {
        c.session.ese = byte(c);
      },
    }),
    command('*ESR?', 'Get and clear the event status register.', (c) => {
      const v = c.session.esr;
      c.session.esr = 0;
      return String(v);
    }),
    command(RP_COMMANDS.idn, 'Get the identification (2.07 form).', () => IDN_2_07),
    command('*OPC', 'Run: set the operation-complete bit.', (c) => {
      c.session.esr |= 0x01;
    }),
    command('*OPC?', 'Get 1 once previous commands are done (they all are).', () => '1'),
    command('*RST', 'Run: nothing, as on the Red Pitaya (use RP:REset).', () => undefined),
    ...control('*SRE', 'Control the service request enable register (0 to 255).', {
      get: (c) => String(c.session.sre),
      set: (c) => {
        c.session.sre = byte(c);
      },
    }),
    command('*STB?', 'Get the status byte (bit value 4: errors queued).', (c) => String(c.session.statusByte)),
    command('*TST?', 'Get the self-test result (0 = pass).', () => '0'),
    command('*WAI', 'Run: wait for pending operations (none).', () => undefined),
    command('SYSTem:ERRor[:NEXT]?', 'Get and remove the oldest error: <code>,"<text>" (API queue first).', (c) => {
      const e = c.session.popError();
      return `${e.code},${quote(e.text)}`;
    }),
    command('SYSTem:ERRor:COUNt?', 'Get the number of queued errors.', (c) => String(c.session.errorCount)),
    command('SYSTem:VERSion?', 'Get the firmware version.', () => SYSTEM_VERSION),
    command('SYSTem:BRD:ID?', 'Get the board model number.', () => String(BOARD_ID)),
    command('SYSTem:BRD:Name?', 'Get the board name.', () => BOARD_NAME),
    command('SYSTem:Help?', 'Get every command pattern, separated by LF.', () => help().join('\n')),
    ...control('SYSTem:TIME', 'Control the time of day, hh:mm:ss (UTC, on the board clock).', {
      get: (c) => {
        const d = new Date(c.device.now());
        return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
      },
      set: (c) => {
        const [h, m, s] = triple(c.params.text(), ':');
        if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) throw new ScpiCommandError(-200, 'Invalid time.');
        const now = c.device.now();
        const midnight = now - (((now % DAY_MS) + DAY_MS) % DAY_MS);
        c.device.clockOffsetMs += midnight + ((h * 60 + m) * 60 + s) * 1000 - now;
      },
    }),
    ...control('SYSTem:DATE', 'Control the date, yyyy-mm-dd (UTC, on the board clock).', {
      get: (c) => {
        const d = new Date(c.device.now());
        return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      },
      set: (c) => {
        const [y, mo, d] = triple(c.params.text(), '-');
        if (y < 1900 || y > 3000 || mo < 1 || mo > 12 || d < 1 || d > 31) throw new ScpiCommandError(-200, 'Invalid date.');
        const now = c.device.now();
        const timeOfDay = ((now % DAY_MS) + DAY_MS) % DAY_MS;
        c.device.clockOffsetMs += Date.UTC(y, mo - 1, d) + timeOfDay - now;
      },
    }),
    command('RP:REset', 'Run: reset acquisition, generators, digital and analog pins.', (c) => {
      c.device.acq.reset();
      c.device.deep.reset();
      c.device.deepGen.reset();
      c.session.format = 'ASCII';
      for (const g of c.device.gen) g.reset(c.session, c.header);
      c.device.pins.resetDigital();
      c.device.pins.resetAnalog();
    }),
    ...control(RP_SCPI.retOnError, {
      get: (c) => (c.session.retOnError ? 'ON' : 'OFF'),
      set: (c) => {
        c.session.retOnError = c.params.bool();
      },
    }),
  ];
}
