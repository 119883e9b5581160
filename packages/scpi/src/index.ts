/**
 * @labrx/scpi — the Red Pitaya SCPI protocol (firmware 2.07) in one package: the protocol table both
 * ends read (`RP_SCPI`, `RP_COMMANDS`), the client (`ScpiBoard`, a `BoardDriver` over TCP) and the
 * server (`startScpiServer`, over any `BoardDriver`). See docs/architecture.md.
 */
export * from './client/index.js';
export * from './server/index.js';
export * from './protocol/redPitayaScpi.js';
