import { ACQUIRE_COMMANDS } from './acquireCommands.js';
import { DEEP_MEMORY_COMMANDS } from './deepMemoryCommands.js';
import { GENERATE_COMMANDS } from './generateCommands.js';
import { PIN_COMMANDS } from './pinCommands.js';
import { ScpiCommandTable } from './ScpiCommandTable.js';
import { SPLIT_TRIGGER_COMMANDS } from './splitTriggerCommands.js';
import { systemCommands } from './systemCommands.js';

/**
 * The command table of the simulated Red Pitaya (firmware 2.07 level), in the server's order.
 * Built once per server; `SYST:Help?` lists its patterns.
 */
export function createRedPitayaCommandTable(): ScpiCommandTable {
  // SYST:Help? lists the table it belongs to, which exists only once built: it reads it lazily.
  const table: ScpiCommandTable = new ScpiCommandTable([...systemCommands(() => table.patterns), ...PIN_COMMANDS, ...ACQUIRE_COMMANDS, ...SPLIT_TRIGGER_COMMANDS, ...DEEP_MEMORY_COMMANDS, ...GENERATE_COMMANDS]);
  return table;
}
