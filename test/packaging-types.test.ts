/**
 * TypeScript consumers of the packed package, part 1: tsc over small fixture
 * projects (ESM and CommonJS; module nodenext, node16, bundler) that import
 * the root and the `./async` subpath from the installed tarball, with
 * esModuleInterop off; plus the package.json fields consumers depend on and a
 * scan of the shipped .d.ts. Part 2, the strictest consumer with every .d.ts
 * checked, is packaging-dts.test.ts (a file of its own for its run time).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkNoLeaks } from './helpers/fds.js';
import { ROOT, Workspace, noNpm, typeCheckConsumers, type Consumer } from './helpers/packaging.js';

checkNoLeaks();

const ws = new Workspace();
test.after(() => ws.dispose('packaging-types'));

/** These check how the imports resolve and type (skipLibCheck on). */
const CONSUMERS: Consumer[] = [
  ['nodenext-esm', 'module', { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true }],
  ['nodenext-cjs', 'commonjs', { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true }],
  ['node16-esm', 'module', { module: 'node16', moduleResolution: 'node16', skipLibCheck: true }],
  ['bundler', 'module', { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true }],
];

test('TypeScript consumers type-check against the packed package under nodenext (ESM and CJS), node16 and bundler, without esModuleInterop',
  { skip: noNpm }, async () => {
    assert.deepEqual(await typeCheckConsumers(ws, CONSUMERS), []);
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
