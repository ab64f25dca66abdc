// `npm run test:bun`: the test files under Bun (docs/runtimes.md).
//
// Bun comes from the npm registry (`@oven/bun-<os>-<arch>`, the package the
// `bun` package installs), fetched once with `npm pack` into a cache outside
// the repository: $BSD_SOCKET_CACHE or ~/.cache/bsd-socket. $BSD_SOCKET_BUN
// names a bun binary to use instead. The TypeScript is compiled as for
// `npm test`, the addon must be built already (build/Release).
//
// Each compiled test file runs in its own `bun test` process. Every file is
// expected to pass (tests that need what Bun lacks skip themselves, see
// test/helpers/runtime.ts); EXCLUDED lists whole files left out, with why.
// The run fails if any other file fails. `node scripts/test-bun.mjs <substring>...`
// runs only the matching files.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testFiles } from './test-files.mjs';

const BUN_VERSION = process.env.BSD_SOCKET_BUN_VERSION ?? '1.4.5';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Whole files not run under Bun: file -> what Bun lacks. Empty today. */
const EXCLUDED = new Map([]);

function bunPackage() {
  const arch = { x64: 'x64', arm64: 'aarch64' }[process.arch];
  const plat = { linux: 'linux', darwin: 'darwin' }[process.platform];
  if (arch === undefined || plat === undefined) throw new Error(`test:bun: no Bun package for ${process.platform}-${process.arch}`);
  const musl = plat === 'linux' && !process.report?.getReport().header.glibcVersionRuntime;
  return `@oven/bun-${plat}-${arch}${musl ? '-musl' : ''}`;
}

function locateBun() {
  if (process.env.BSD_SOCKET_BUN) return process.env.BSD_SOCKET_BUN;
  const cache = process.env.BSD_SOCKET_CACHE ?? path.join(os.homedir(), '.cache', 'bsd-socket');
  const pkg = bunPackage();
  const dir = path.join(cache, `${pkg.replace('/', '+')}-${BUN_VERSION}`);
  const bin = path.join(dir, 'package', 'bin', 'bun');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  console.log(`test:bun: fetching ${pkg}@${BUN_VERSION} into ${dir}`);
  const tgz = execFileSync('npm', ['pack', `${pkg}@${BUN_VERSION}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', path.join(dir, tgz), '-C', dir]);
  if (!existsSync(bin)) throw new Error(`test:bun: ${bin} missing after unpacking ${tgz}`);
  return bin;
}


process.chdir(root);
const tsc = 'node_modules/typescript/bin/tsc';
for (const p of ['tsconfig.build.json', 'tsconfig.test.json']) execFileSync(process.execPath, [tsc, '-p', p], { stdio: 'inherit' });
if (!existsSync('build/Release/bsd_socket.node')) {
  console.error('test:bun: build/Release/bsd_socket.node is missing: build the addon first (npm install or node-gyp rebuild)');
  process.exit(1);
}

const bun = locateBun();
const version = execFileSync(bun, ['--version'], { encoding: 'utf8' }).trim();
console.log(`test:bun: Bun ${version} (${bun})`);

const only = process.argv.slice(2);
const files = testFiles('.build/test').map((f) => path.relative('.build/test', f)).sort()
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
const rows = [];
for (const file of files) {
  const name = file.replace(/\.test\.js$/, '');
  if (EXCLUDED.has(name)) {
    rows.push({ name, status: 'excluded', note: EXCLUDED.get(name) });
    continue;
  }
  const t0 = Date.now();
  // The suite's own timeouts are generous (node:test runs with 120 s); a
  // file still running after 10 minutes counts as failed.
  const r = spawnSync(bun, ['test', '--timeout', '120000', `./.build/test/${file}`],
    { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const count = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, 'm').exec(out)?.[1] ?? 0);
  const [pass, fail, skip] = [count('pass'), count('fail'), count('skip')];
  const ok = r.status === 0 && fail === 0 && pass + skip > 0;
  rows.push({ name, status: ok ? 'ok' : 'FAILED', pass, fail, skip, ms: Date.now() - t0 });
  if (!ok) {
    console.log(`\n---- ${file} (exit ${r.status ?? r.signal}) ----\n${out.split('\n').slice(-60).join('\n')}`);
  }
  console.log(`${ok ? 'ok    ' : 'FAILED'} ${name}: ${pass} pass, ${fail} fail, ${skip} skip (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const sum = (k) => rows.reduce((n, r) => n + (r[k] ?? 0), 0);
const failed = rows.filter((r) => r.status === 'FAILED');
const excluded = rows.filter((r) => r.status === 'excluded');
console.log(`\ntest:bun: Bun ${version}: ${rows.length - failed.length - excluded.length} of ${rows.length} files passed; ` +
  `${sum('pass')} tests passed, ${sum('fail')} failed, ${sum('skip')} skipped`);
for (const r of excluded) console.log(`  excluded ${r.name}: ${r.note}`);
for (const r of failed) console.log(`  FAILED ${r.name}`);
process.exit(failed.length === 0 ? 0 : 1);
