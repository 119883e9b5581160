import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// DESIGN.md: core ← hw-sim, core ← instruments, labrx → all; instruments never imports hw-sim;
// core knows nothing of hardware or of the other packages.
const allowed: Record<string, string[]> = {
  core: [],
  'hw-sim': ['@labrx/core'],
  instruments: ['@labrx/core'],
  pyrpl: ['@labrx/core'],
  labrx: ['@labrx/core', '@labrx/hw-sim', '@labrx/instruments', '@labrx/pyrpl'],
};
const workspace = ['@labrx/core', '@labrx/hw-sim', '@labrx/instruments', '@labrx/pyrpl', 'labrx'];

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) yield p;
  }
}

for (const [pkg, deps] of Object.entries(allowed)) {
  test(`packages/${pkg} imports only ${deps.join(', ') || 'no other workspace package'}`, (t) => {
    const bad: string[] = [];
    for (const file of sources(join('packages', pkg, 'src'))) {
      // code only: JSDoc examples may show how users import the package
      const text = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/)/.test(line))
        .join('\n');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        const target = workspace.find((w) => spec === w || spec.startsWith(`${w}/`));
        if (target && !deps.includes(target)) bad.push(`${file}: ${spec}`);
      }
    }
    t.deepEqual(bad, []);
  });
}

test('library code uses no bare setTimeout, Date.now or Math.random', (t) => {
  const bad: string[] = [];
  for (const pkg of Object.keys(allowed)) {
    for (const file of sources(join('packages', pkg, 'src'))) {
      if (file.includes(`${join('src', 'testing')}`)) continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        if (/^\s*\*/.test(line)) return; // JSDoc
        if (/(?<![.\w])setTimeout\(|Date\.now\(|Math\.random\(/.test(code) && !/labrx-allow-wallclock/.test(line)) bad.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  t.deepEqual(bad, []);
});
