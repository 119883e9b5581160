#!/usr/bin/env node
// The labrx Jupyter kernel: tslab, with tsx's loaders registered first so that a cell's
// `import { connect } from 'labrx'` loads the workspace's TypeScript sources (tslab runs cells as
// CommonJS, so the require hook is needed as well as the ESM one).
import { createRequire } from 'node:module';
import { register as registerEsm } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';

registerEsm();
registerCjs();
const require = createRequire(import.meta.url);
require('tslab/dist/main.js').main();
