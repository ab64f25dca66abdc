/**
 * TypeScript consumers of the packed package: tsc over small fixture projects
 * (ESM and CommonJS; module nodenext, node16, bundler, commonjs with node10
 * resolution) that import the root and the `./async` subpath from the
 * installed tarball, with esModuleInterop off and skipLibCheck off, so the
 * shipped .d.ts files are checked as a consumer's compiler sees them. Plus the
 * package.json fields the consumers depend on.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkNoLeaks } from './helpers/fds.js';
import { ROOT, Workspace, noNpm, runAsync } from './helpers/packaging.js';

checkNoLeaks();

const ws = new Workspace();
test.after(() => ws.dispose('packaging-types'));

const USE_TS = `
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

/**
 * [fixture, its package.json "type", compilerOptions]. The strictest one
 * (commonjs, node10 resolution) checks every .d.ts with skipLibCheck off: the
 * shipped declarations and @types/node, which is most of the time; the others
 * check how the imports resolve and type.
 */
const CONSUMERS: Array<[string, 'module' | 'commonjs', Record<string, unknown>]> = [
  ['nodenext-esm', 'module', { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true }],
  ['nodenext-cjs', 'commonjs', { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true }],
  ['node16-esm', 'module', { module: 'node16', moduleResolution: 'node16', skipLibCheck: true }],
  ['bundler', 'module', { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true }],
  ['commonjs-node10', 'commonjs', { module: 'commonjs', moduleResolution: 'node10', skipLibCheck: false }],
];

test('TypeScript consumers type-check against the packed package under nodenext (ESM and CJS), node16, bundler and commonjs/node10, without esModuleInterop',
  { skip: noNpm }, async () => {
    ws.pack();
    const dir = ws.installed('ts-consumers');
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const start = Date.now();
    const results = [];
    for (const [name, type, options] of CONSUMERS) {
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
      results.push({ name, ...await runAsync(process.execPath, [tsc, '-p', fixture], fixture) });
    }
    ws.timings.push(`tsc x${CONSUMERS.length} ${((Date.now() - start) / 1000).toFixed(1)} s`);
    for (const r of results) assert.equal(r.status, 0, `${r.name}: ${r.output}`);
  });

test('no shipped .d.ts needs esModuleInterop: no default import from a Node built-in or an export = module', { skip: noNpm }, () => {
  const dir = path.join(ROOT, 'dist');
  const offenders: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.d.ts')) {
        for (const line of readFileSync(full, 'utf8').split('\n')) {
          if (/^\s*import\s+(type\s+)?[A-Za-z_$][\w$]*\s*(,|from)\s*['"](node:|[a-z])/.test(line)) offenders.push(`${path.relative(ROOT, full)}: ${line.trim()}`);
        }
      }
    }
  };
  walk(dir);
  assert.deepEqual(offenders, []);
});

test('package.json: engines >=20.19, sideEffects names built files, each subpath export has types and a typesVersions line', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    engines: { node: string }; sideEffects: string[]; exports: Record<string, unknown>; typesVersions: { '*': Record<string, string[]> };
  };
  assert.equal(pkg.engines.node, '>=20.19');
  for (const f of pkg.sideEffects) assert.ok(existsSync(path.join(ROOT, f)), `sideEffects names ${f}, which is not built`);
  for (const sub of Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json')) {
    const entry = pkg.exports[sub] as { types: string; default: string };
    assert.ok(existsSync(path.join(ROOT, entry.types)) && existsSync(path.join(ROOT, entry.default)), sub);
    assert.deepEqual(pkg.typesVersions['*'][sub.slice(2)], [entry.types], `typesVersions lacks ${sub} (commonjs/node10 consumers)`);
  }
});
