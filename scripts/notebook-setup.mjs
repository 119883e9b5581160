#!/usr/bin/env node
// `pnpm notebook:setup [--jupyter-path DIR]`: installs the labrx Jupyter kernel (kernel spec
// "labrx": tslab started by scripts/notebook-kernel.mjs with this checkout's node).
//   default:               into Jupyter's per-user kernels (needs Jupyter:
//                          apt-get install jupyter-notebook jupyter-nbconvert python3-ipykernel)
//   --jupyter-path DIR:    writes DIR/kernels/labrx/kernel.json only; use it with JUPYTER_PATH=DIR
//                          (how the notebook test keeps its kernel out of the user's own)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const KERNEL_NAME = 'labrx';
const launcher = fileURLToPath(new URL('./notebook-kernel.mjs', import.meta.url));
const spec = {
  argv: [process.execPath, launcher, 'kernel', '--config-path', '{connection_file}'],
  display_name: 'labrx (TypeScript)',
  language: 'typescript',
  metadata: { labrx: { checkout: fileURLToPath(new URL('..', import.meta.url)) } },
};

const args = process.argv.slice(2);
const at = args.indexOf('--jupyter-path');
if (args.includes('--help') || args.includes('-h') || (at >= 0 && !args[at + 1]) || args.some((a, i) => a.startsWith('-') && a !== '--jupyter-path' && i !== at + 1)) {
  console.error('usage: pnpm notebook:setup [--jupyter-path DIR]');
  process.exit(args.includes('--help') || args.includes('-h') ? 0 : 2);
}

// Where: DIR given, else Jupyter's per-user data directory (what `jupyter kernelspec install --user`
// uses; asked of `jupyter --data-dir`, which every Jupyter has, unlike the kernelspec subcommand).
let base;
if (at >= 0) {
  base = resolve(args[at + 1]);
} else {
  const r = spawnSync('jupyter', ['--data-dir'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    console.error(`jupyter not found${r.error ? ` (${r.error.message})` : ''}: apt-get install jupyter-notebook jupyter-nbconvert python3-ipykernel, then run this again`);
    process.exit(1);
  }
  base = r.stdout.trim();
}
const dir = join(base, 'kernels', KERNEL_NAME);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
console.log(`wrote ${join(dir, 'kernel.json')}`);
console.log(at >= 0 ? `use it with JUPYTER_PATH=${base}` : 'open the tour: jupyter notebook examples/notebooks/tour.ipynb');
