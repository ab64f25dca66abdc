/**
 * Shared by the packaging tests: `npm pack` of this checkout into a temp dir,
 * fresh consumer projects, and a PATH that holds only node, npm and sh (no cc,
 * make or python3). Offline: the package has no dependencies, so npm never
 * needs the registry.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export function onRealPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const full = path.join(dir, name);
    if (dir && existsSync(full)) return full;
  }
  return null;
}

/** npm's own CLI script (run with this process's node), or null without npm. */
export const npmCli = (() => {
  const npm = onRealPath('npm');
  return npm ? realpathSync(npm) : null;
})();
export const noNpm: string | false = npmCli ? false : 'npm is not on PATH';

export function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeout ?? 100_000 });
  if (r.error) throw r.error;
  return r;
}

/** The same, without blocking the event loop (several at once). */
export function runAsync(cmd: string, args: string[], cwd: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, output }); });
  });
}

/** A scratch area with the bare bin dir; removed by `dispose()`. */
export class Workspace {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'bsd-socket-pack-'));
  readonly bin = path.join(this.dir, 'bin');
  readonly cache = path.join(this.dir, 'npm-cache');
  readonly timings: string[] = [];
  tarball = '';

  constructor() {
    mkdirSync(this.bin);
    symlinkSync(process.execPath, path.join(this.bin, 'node'));
    if (npmCli) symlinkSync(npmCli, path.join(this.bin, 'npm'));
    symlinkSync('/bin/sh', path.join(this.bin, 'sh'));
  }

  dispose(label: string): void {
    rmSync(this.dir, { recursive: true, force: true });
    console.log(`# ${label} timings: ${this.timings.join(', ')}`);
  }

  timed<T>(label: string, f: () => T): T {
    const start = Date.now();
    try {
      return f();
    } finally {
      this.timings.push(`${label} ${((Date.now() - start) / 1000).toFixed(1)} s`);
    }
  }

  /**
   * The environment of a machine without a toolchain: PATH is only node, npm and sh.
   * Nothing of the sanitizer run carries over: the installed package loads its own
   * plain build, and the tools a source build runs (make, cc) are not ours to check.
   */
  bareEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: this.bin };
    const dropped = ['BSD_SOCKET_NATIVE', 'BSD_SOCKET_BUILD_FROM_SOURCE', 'BSD_SOCKET_SANITIZE', 'LD_PRELOAD',
      'ASAN_OPTIONS', 'UBSAN_OPTIONS'];
    for (const k of Object.keys(env)) {
      if (k.startsWith('npm_') || dropped.includes(k)) delete env[k];
    }
    return env;
  }

  npm(args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
    return run(process.execPath, [npmCli!, ...args, '--offline', '--cache', this.cache, '--no-audit', '--no-fund', '--foreground-scripts'], { cwd, env });
  }

  /** `npm pack` of the checkout as it is (dist/ and prebuilds/ already built); returns the file list. */
  pack(): { files: string[]; size: number } {
    const r = this.timed('npm pack', () =>
      run(process.execPath, [npmCli!, 'pack', '--ignore-scripts', '--json', '--pack-destination', this.dir], { cwd: ROOT }));
    assert.equal(r.status, 0, r.stderr);
    const [info] = JSON.parse(r.stdout) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>;
    this.tarball = path.join(this.dir, info!.filename);
    return { files: info!.files.map((f) => f.path), size: info!.size };
  }

  /** A fresh consumer project; `allowScripts` lets npm run the package's install script. */
  project(name: string, allowScripts: boolean): string {
    const dir = path.join(this.dir, name);
    mkdirSync(dir);
    const pkg: Record<string, unknown> = { name, version: '1.0.0', private: true };
    if (allowScripts) pkg['allowScripts'] = { [`file:${this.tarball}`]: true };
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
    return dir;
  }

  /** A consumer project with the tarball installed without scripts. */
  installed(name: string): string {
    const dir = this.project(name, false);
    const r = this.npm(['install', '--ignore-scripts', this.tarball], dir, this.bareEnv());
    assert.equal(r.status, 0, r.stderr);
    return dir;
  }

  #pristine: string | undefined;
  /** A copy of one pristine install, to break on purpose (one npm run for all copies). */
  copyOfInstalled(name: string): string {
    this.#pristine ??= this.installed('pristine');
    const dir = path.join(this.dir, name);
    cpSync(this.#pristine, dir, { recursive: true });
    return dir;
  }
}

/** Consumers of the installed package, run by useFromBoth. */
export const ESM_USE = `
import * as socket from 'bsd-socket';
import { create_connection } from 'bsd-socket/async';
const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
a.sendall(Buffer.from('esm ping'));
const got = b.recv(64);
a.close(); b.close();
console.log(JSON.stringify({ got: got.toString(), asyncFn: typeof create_connection }));
`;
export const CJS_USE = `
const socket = require('bsd-socket');
const { create_connection } = require('bsd-socket/async');
const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
b.sendall(Buffer.from('cjs pong'));
const got = a.recv(64);
a.close(); b.close();
console.log(JSON.stringify({ got: got.toString(), asyncFn: typeof create_connection }));
`;

/** Runs the ESM and the CommonJS consumer in `dir` and checks the bytes crossed. */
export function useFromBoth(ws: Workspace, dir: string): void {
  writeFileSync(path.join(dir, 'use.mjs'), ESM_USE);
  writeFileSync(path.join(dir, 'use.cjs'), CJS_USE);
  const esm = run(process.execPath, ['use.mjs'], { cwd: dir, env: ws.bareEnv() });
  assert.equal(esm.status, 0, esm.stderr);
  assert.deepEqual(JSON.parse(esm.stdout), { got: 'esm ping', asyncFn: 'function' });
  const cjs = run(process.execPath, ['use.cjs'], { cwd: dir, env: ws.bareEnv() });
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.deepEqual(JSON.parse(cjs.stdout), { got: 'cjs pong', asyncFn: 'function' });
}

export const packageDir = (project: string): string => path.join(project, 'node_modules', 'bsd-socket');

/** A consumer's source: the root and `./async` imports, typed uses, one misuse that must not compile. */
export const USE_TS = `
import { socketpair, AF_UNIX, SOCK_STREAM, toNetSocket, type Socket } from 'bsd-socket';
import { create_connection, type SocketAsync } from 'bsd-socket/async';
const pair: [Socket, Socket] = socketpair(AF_UNIX, SOCK_STREAM);
const n: number = pair[0].fileno();
const connect: (address: [string, number]) => Promise<Socket> = create_connection;
const twin: SocketAsync = pair[0].async;
const net: (s: Socket) => { destroy(): unknown } = toNetSocket;
// @ts-expect-error the package's types are strict: a port is not a string of bytes
pair[0].sendall(42);
export { n, connect, twin, net };
`;


/** [fixture, its package.json "type", compilerOptions]. */
export type Consumer = [string, 'module' | 'commonjs', Record<string, unknown>];

/** Packs, installs, and runs tsc over one fixture project per consumer; returns the failures. */
export async function typeCheckConsumers(ws: Workspace, consumers: Consumer[]): Promise<string[]> {
  ws.pack();
  const dir = ws.installed('ts-consumers');
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const failures: string[] = [];
  for (const [name, type, options] of consumers) {
    const fixture = path.join(dir, name);
    mkdirSync(fixture);
    writeFileSync(path.join(fixture, 'package.json'), JSON.stringify({ name, private: true, type }));
    writeFileSync(path.join(fixture, 'index.ts'), USE_TS);
    writeFileSync(path.join(fixture, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'es2022', lib: ['es2023', 'esnext.disposable'], strict: true, noEmit: true,
        esModuleInterop: false, allowSyntheticDefaultImports: false, ...options,
        types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      },
      files: ['index.ts'],
    }));
    const start = Date.now();
    const r = await runAsync(process.execPath, [tsc, '-p', fixture], fixture);
    ws.timings.push(`tsc ${name} ${((Date.now() - start) / 1000).toFixed(1)} s`);
    if (r.status !== 0) failures.push(`${name}: ${r.output}`);
  }
  return failures;
}
