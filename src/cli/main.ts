#!/usr/bin/env node
/**
 * `bsd-socket`: the library at work on real networks. Subcommands: resolve,
 * ifaces, routes, listen, connect, ping, sniff. Exit status: 0 success,
 * 1 failure (an OSError, or ping without any reply), 2 usage error.
 * Errors print one line (with a hint for permission errors), never a stack.
 */
import * as socket from '../index.js';
import { UsageError, parseArgs } from './commands/common.js';
import * as resolve from './commands/resolve.js';
import * as ifaces from './commands/ifaces.js';
import * as routes from './commands/routes.js';
import * as nc from './commands/nc.js';
import * as ping from './commands/ping.js';
import * as sniff from './commands/sniff.js';

interface Command {
  usage: string;
  valued: string[];
  bare: string[];
  run(args: ReturnType<typeof parseArgs>): number | Promise<number>;
}

const commands: Record<string, Command> = {
  resolve: { usage: resolve.usage, valued: [], bare: ['-4', '-6'], run: resolve.run },
  ifaces: { usage: ifaces.usage, valued: [], bare: [], run: ifaces.run },
  routes: { usage: routes.usage, valued: [], bare: ['-4', '-6', '--all'], run: routes.run },
  listen: { usage: nc.listenUsage, valued: ['-U', '-b', '-w'], bare: ['-u', '-4', '-6'], run: nc.listen },
  connect: { usage: nc.connectUsage, valued: ['-U', '-w'], bare: ['-u', '-4', '-6'], run: nc.connect },
  ping: { usage: ping.usage, valued: ['-c', '-i', '-W', '-s'], bare: ['-4', '-6', '--raw', '--dgram'], run: ping.run },
  sniff: { usage: sniff.usage, valued: ['-c', '-t', '--proto'], bare: [], run: sniff.run },
};

function usageText(): string {
  return [
    'usage: bsd-socket COMMAND [OPTIONS]',
    '',
    'commands:',
    ...Object.values(commands).map((c) => `  ${c.usage}`),
    '',
    'options of listen/connect: -u UDP, -U PATH Unix socket, -w SECS timeout, -b HOST bind address',
    'exit status: 0 success, 1 failure (ping: no reply), 2 usage error',
  ].join('\n');
}

/** Runs one command line; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(`${usageText()}\n`);
    return name === undefined ? 2 : 0;
  }
  const cmd = commands[name];
  try {
    if (cmd === undefined) throw new UsageError(`unknown command '${name}'`);
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(`usage: bsd-socket ${cmd.usage}\n`);
      return 0;
    }
    return await cmd.run(parseArgs(rest, cmd.valued, cmd.bare));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bsd-socket: ${e.message}\n${usageText()}\n`);
      return 2;
    }
    if (e instanceof socket.OSError) {
      let msg = e.message;
      if (e instanceof socket.PermissionError && !/CAP_NET_RAW/.test(msg)) {
        msg += ' (this needs more privileges: root or CAP_NET_RAW / CAP_NET_ADMIN)';
      }
      process.stderr.write(`bsd-socket ${name}: ${e.constructor.name}: ${msg}\n`);
      return 1;
    }
    if (e instanceof TypeError || e instanceof RangeError) {
      process.stderr.write(`bsd-socket ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
