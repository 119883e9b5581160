#!/usr/bin/env node
// The `labrx` command. In the workspace the CLI is TypeScript source: register tsx's loader first
// (this file is plain JS so it needs none); a published build has dist/cli/main.js and skips that.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
let cli;
if (existsSync(fileURLToPath(compiled))) {
  cli = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
await cli.runCli(process.argv);
