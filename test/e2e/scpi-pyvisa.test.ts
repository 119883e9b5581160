import { testNeeding } from '../helpers/testNeeding.js';
import { spawnSync } from 'node:child_process';
import { lastJsonLine, runProcess } from '../helpers/runProcess.js';
import { fileURLToPath } from 'node:url';
import { createSimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';

// An independent client (pyvisa + pyvisa-py, Debian's /usr/bin/python3) against the SCPI server over
// the embedded simulator in real time. .ci/run installs python3-pyvisa python3-pyvisa-py python3-numpy.

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./scpi_pyvisa.py', import.meta.url));

function pyvisaAvailable(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import pyvisa, pyvisa_py, numpy'], { stdio: 'ignore' });
  return r.status === 0;
}

testNeeding(pyvisaAvailable(), `${PYTHON} with pyvisa, pyvisa_py and numpy (apt-get install python3-pyvisa python3-pyvisa-py python3-numpy)`, 'pyvisa (pyvisa-py) reads *IDN?, sets a generator, acquires in ASCII and BIN, and reads error codes', async (t) => {
  const board = createSimBoard({ seed: 11, noiseDensity: 1e-7 });
  const server = await startScpiServer({ board, port: 0 });
  t.teardown(async () => {
    await server.close();
    await board.close();
  });
  const { code, stdout, stderr } = await runProcess(PYTHON, [SCRIPT, String(server.port)], { timeoutMs: 45_000 });
  t.is(code, 0, `python exited with ${code}\nstdout: ${stdout}\nstderr: ${stderr}`);
  const summary = lastJsonLine<{ ok?: boolean; amplitude?: number; frequency?: number }>(stdout);
  t.true(summary.ok);
  t.log(`pyvisa measured ${summary.amplitude?.toFixed(5)} V at ${summary.frequency?.toFixed(1)} Hz`);
});
