#!/usr/bin/env node
// The `labrx-sim` command: simulated Red Pitaya boards served over SCPI.
// The workspace ships TypeScript sources, so tsx is registered before the CLI module is loaded.
import { register } from 'tsx/esm/api';

register();
const { runLabrxSim } = await import('../src/cli/runLabrxSim.ts');
process.exitCode = await runLabrxSim(process.argv.slice(2));
