import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// docs/architecture.md: core ← scpi, core ← instruments, core + scpi ← hw-sim (labrx-sim serves the
// simulator over SCPI), labrx → all; instruments never imports hw-sim or a protocol package;
// core knows nothing of hardware or of the other packages; catalogue (the run database) needs core only.
const allowed: Record<string, string[]> = {
  core: [],
  scpi: ['@labrx/core'],
  'hw-sim': ['@labrx/core', '@labrx/scpi', '@labrx/pyrpl'],
  instruments: ['@labrx/core'],
  catalogue: ['@labrx/core'],
  pyrpl: ['@labrx/core'],
  remote: ['@labrx/core', '@labrx/instruments'],
  labrx: ['@labrx/catalogue', '@labrx/core', '@labrx/hw-sim', '@labrx/instruments', '@labrx/pyrpl', '@labrx/remote', '@labrx/scpi'],
};
const workspace = ['@labrx/catalogue', '@labrx/core', '@labrx/hw-sim', '@labrx/instruments', '@labrx/pyrpl', '@labrx/remote', '@labrx/scpi', 'labrx'];

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

test('no import cycles among the library\'s modules', (t) => {
  // Relative imports only (packages already point one way, checked above). A depth-first walk
  // finds every back edge; each is reported as the cycle it closes.
  const graph = new Map<string, string[]>();
  for (const pkg of Object.keys(allowed)) {
    for (const file of sources(join('packages', pkg, 'src'))) {
      const text = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/)/.test(line))
        .join('\n');
      const deps: string[] = [];
      // `import type` and `export type` vanish at run time and cannot form a cycle that matters.
      for (const m of text.matchAll(/^(?:import|export)[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
        const spec = (m[1] ?? m[2])!;
        deps.push(join(file, '..', spec).replace(/\.js$/, '.ts'));
      }
      graph.set(file, deps);
    }
  }
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (!graph.has(d)) continue;
      const s = state.get(d);
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].join(' → '));
      else if (s === undefined) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  t.deepEqual(cycles, []);
});

test('every export a package.json declares exists', (t) => {
  const missing: string[] = [];
  for (const pkg of readdirSync('packages')) {
    const manifest = JSON.parse(readFileSync(join('packages', pkg, 'package.json'), 'utf8')) as { exports?: Record<string, string | null> };
    for (const [entry, target] of Object.entries(manifest.exports ?? {})) {
      if (target === null || entry.includes('*')) continue;
      try {
        statSync(join('packages', pkg, target));
      } catch {
        missing.push(`${pkg} ${entry} → ${target}`);
      }
    }
  }
  t.deepEqual(missing, []);
});

test("labrx's public API is a curated list (no `export *`)", (t) => {
  const index = readFileSync(join('packages', 'labrx', 'src', 'index.ts'), 'utf8');
  t.notRegex(index, /^export \*/m);
});

test('tests, benchmarks and examples import packages by name, never packages/*/src', (t) => {
  const bad: string[] = [];
  for (const dir of ['test', 'bench', 'examples']) {
    for (const file of sources(dir)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]*packages\/[^'"]+\/src\/[^'"]*)['"]/g)) bad.push(`${file}: ${m[1]}`);
    }
  }
  t.deepEqual(bad, []);
});

test('no test sets its own timeout with t.timeout() (it can stop AVA from ever timing a hung file out)', (t) => {
  // AVA 7 ignores its inactivity timer while any t.timeout() period is open and never re-arms it:
  // one hung test then keeps the whole run waiting (docs/decisions/0026-test-watchdog.md). Long tests
  // rely on the run's timeout (ava.config.mjs) and bound their own waits instead.
  const bad: string[] = [];
  for (const file of sources('test')) {
    if (/\bt\.timeout\(/.test(readFileSync(file, 'utf8').replaceAll('t.timeout()', ''))) bad.push(file);
  }
  t.deepEqual(bad, []);
});
