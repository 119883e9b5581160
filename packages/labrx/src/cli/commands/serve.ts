import { Command } from 'commander';
import { SettingsError } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import { connectNats, hasCredentials, isLoopbackHost, natsAuthFromEnv, parseNatsUrl, serveBoards, type NatsAuth } from '@labrx/remote';
import type { CliCommand } from '../CliCommand.js';
import { openBoard, processIo, runCommand, settingValue, type CliIo } from './instrumentFlags.js';

interface ServeFlags {
  nats: string;
  name?: string;
  board: string[];
  seed?: string;
  dut?: string;
  token?: string;
  user?: string;
  password?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  heartbeatMs?: string;
  insecureNoAuth?: boolean;
}

/**
 * `labrx serve`: owns boards and serves each on NATS as `labrx.<name>.board<i>.*`, until SIGINT or
 * SIGTERM (docs/decisions/0011-remote-boards.md). Clients: `connect('nats://host:4222/<name>/board0')`.
 * Credentials come from flags, then `LABRX_NATS_TOKEN`, `LABRX_NATS_USER`/`LABRX_NATS_PASSWORD`,
 * `LABRX_NATS_CA`/`_CERT`/`_KEY`; without any, it refuses a NATS server that is not on loopback
 * (unless `--insecure-no-auth`).
 *
 * @example
 * labrx serve --nats nats://10.0.0.5:4222 --name lab1 --board sim --board scpi://192.168.1.100:5000
 */
export function buildServeCommand(io: CliIo = processIo): Command {
  return new Command('serve')
    .description('serve boards on NATS so that many clients share them (connect("nats://host:4222/<name>/board0"))')
    .option('--nats <url>', 'NATS server', 'nats://127.0.0.1:4222')
    .option('--name <name>', 'this server\'s name in the subjects (letters, digits, - and _)')
    .option('--board <target>', 'a board to serve: sim, sim://…, scpi://host:port (repeatable; default one sim)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--seed <n>', 'seed of the first simulated board (the next get seed+1, …)')
    .option('--dut <spec>', 'device under test of the simulated boards, e.g. resonator:f0=1e6,q=20')
    .option('--token <token>', 'NATS token (or LABRX_NATS_TOKEN)')
    .option('--user <user>', 'NATS user (or LABRX_NATS_USER)')
    .option('--password <password>', 'NATS password (or LABRX_NATS_PASSWORD)')
    .option('--tls-ca <file>', 'connect with TLS, trusting this CA (or LABRX_NATS_CA)')
    .option('--tls-cert <file>', 'client certificate for mutual TLS (or LABRX_NATS_CERT)')
    .option('--tls-key <file>', 'client key for mutual TLS (or LABRX_NATS_KEY)')
    .option('--heartbeat-ms <ms>', 'heartbeat period; a silent client loses its leases after 3 periods', '1000')
    .option('--insecure-no-auth', 'allow a NATS server off loopback without credentials')
    .action((opts: ServeFlags) =>
      runCommand(io, async () => {
        if (opts.name === undefined) throw new SettingsError('serve', 'name', undefined, "a name for this server, e.g. --name lab1 (letters, digits, '-' and '_')");
        const heartbeatMs = settingValue(opts.heartbeatMs ?? '1000');
        if (typeof heartbeatMs !== 'number' || !(heartbeatMs >= 10)) throw new SettingsError('serve', 'heartbeat-ms', opts.heartbeatMs, 'a number of milliseconds from 10');
        const url = parseNatsUrl(opts.nats, 'nats');
        const flagAuth: { -readonly [K in keyof NatsAuth]: NatsAuth[K] } = {};
        if (opts.token) flagAuth.token = opts.token;
        if (opts.user) flagAuth.user = opts.user;
        if (opts.password !== undefined) flagAuth.password = opts.password;
        if (opts.tlsCa) flagAuth.tlsCaFile = opts.tlsCa;
        if (opts.tlsCert) flagAuth.tlsCertFile = opts.tlsCert;
        if (opts.tlsKey) flagAuth.tlsKeyFile = opts.tlsKey;
        const auth: NatsAuth = { ...natsAuthFromEnv(), ...url.auth, ...flagAuth };
        if (!hasCredentials(auth) && !isLoopbackHost(url.host) && !opts.insecureNoAuth) {
          throw new SettingsError('serve', 'nats', opts.nats, 'a loopback NATS server, or credentials (--token, --user/--password, LABRX_NATS_TOKEN, …); --insecure-no-auth to serve boards to anyone on the network');
        }
        const targets = opts.board.length > 0 ? opts.board : ['sim'];
        const boards: Board[] = [];
        try {
          const seed0 = opts.seed === undefined ? undefined : settingValue(opts.seed);
          if (seed0 !== undefined && typeof seed0 !== 'number') throw new SettingsError('serve', 'seed', opts.seed, 'an integer');
          for (const [i, target] of targets.entries()) {
            const t = target === 'sim' ? 'sim://' : target;
            const sim = t.startsWith('sim://');
            boards.push(
              await openBoard({
                board: t,
                ...(sim && seed0 !== undefined ? { seed: String(seed0 + i) } : {}),
                ...(sim && opts.dut !== undefined ? { dut: opts.dut } : {}),
              }),
            );
          }
          const nc = await connectNats(url.server, auth, `labrx serve ${opts.name}`);
          const server = await serveBoards({ nats: nc, name: opts.name, boards, heartbeatMs });
          io.stdout.write(`labrx serve: ${opts.name} on ${url.server}: ${server.boardNames.map((n, i) => `${n} = ${boards[i]!.id}`).join(', ')}\n`);
          io.stderr.write(`clients: connect('nats://${url.host}:${new URL(url.server).port || 4222}/${opts.name}/${server.boardNames[0]}'); Ctrl-C stops\n`);
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await server.close();
          await nc.close();
        } finally {
          for (const b of boards) await b.close();
        }
      }),
    );
}

/** `labrx serve` for the program's command list. */
export const serveCommand: CliCommand = {
  name: 'serve',
  register(program: Command): void {
    program.addCommand(buildServeCommand());
  },
};
