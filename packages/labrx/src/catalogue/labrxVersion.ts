import { createRequire } from 'node:module';

/** labrx's version, from its package.json (e.g. '0.1.0'). */
export const LABRX_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
