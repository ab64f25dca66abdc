// `npm run test:matrix [-- --lines 20,26]`: the whole suite (scripts/test.mjs)
// once per supported Node line, from one build of the addon (a NAPI_VERSION=8
// build loads in every line), with Node binaries from the npm registry
// (scripts/node-binaries.mjs). Then Bun's run, when a `test:bun` script exists.
// Prints one summary line per runtime; exits non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './gyp-target.mjs';
import { LINES, nodeBinary } from './node-binaries.mjs';

const args = process.argv.slice(2);
const i = args.indexOf('--lines');
const lines = i >= 0 ? args[i + 1].split(',') : Object.keys(LINES);

const summary = [];
let failed = false;
for (const major of lines) {
  const node = nodeBinary(major);
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n=== Node ${version} (${node})`);
  const start = Date.now();
  // Tee the TAP output so the totals can be read back.
  const r = spawnSync(node, [path.join('scripts', 'test.mjs')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  const count = (k) => Number((r.stdout ?? '').match(new RegExp(`^(?:# |ℹ )${k} (\\d+)$`, 'm'))?.[1] ?? NaN);
  const secs = ((Date.now() - start) / 1000).toFixed(0);
  const ok = r.status === 0;
  failed ||= !ok;
  summary.push(`Node ${version.padEnd(9)} ${ok ? 'PASS' : 'FAIL'}  tests ${count('tests')}, pass ${count('pass')}, fail ${count('fail')}, skipped ${count('skipped')}, ${secs} s`);
}

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
if (pkg.scripts?.['test:bun'] && !args.includes('--no-bun')) {
  console.log('\n=== Bun (npm run test:bun)');
  const start = Date.now();
  const r = spawnSync('npm', ['run', 'test:bun'], { cwd: root, stdio: 'inherit' });
  failed ||= r.status !== 0;
  summary.push(`Bun            ${r.status === 0 ? 'PASS' : 'FAIL'}  (npm run test:bun), ${((Date.now() - start) / 1000).toFixed(0)} s`);
}

console.log(`\ntest:matrix summary\n${summary.map((s) => `  ${s}`).join('\n')}`);
process.exit(failed ? 1 : 0);
