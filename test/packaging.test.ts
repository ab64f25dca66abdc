/**
 * The package as users get it: `npm pack` of this checkout, installed from the
 * tarball into fresh temp projects on a PATH that holds only node, npm and sh
 * (no cc, make or python3), then used from ESM and from require() to exchange
 * bytes over a socketpair. Also the loader's handling of a corrupt and a
 * foreign-architecture binary, and the one error when nothing matches. The
 * forced source build is in packaging-source.test.ts, the TypeScript consumers
 * in packaging-types.test.ts.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkNoLeaks } from './helpers/fds.js';
import { CJS_USE, ESM_USE, ROOT, Workspace, noNpm, onRealPath, packageDir, run, useFromBoth } from './helpers/packaging.js';

checkNoLeaks();

const TAG = `${process.platform}-${process.arch}-glibc`;
const ws = new Workspace();
test.after(() => ws.dispose('packaging'));
const prebuilt = (tag: string): string => path.join(ROOT, 'prebuilds', tag, 'bsd_socket.node');

test('setup: prebuild, npm pack; the tarball holds dist, the install script and this platform\'s prebuild, not sources or tests', { skip: noNpm }, () => {
  for (const tool of ['cc', 'gcc', 'make', 'python3']) assert.equal(existsSync(path.join(ws.bin, tool)), false);
  const pre = ws.timed('prebuild', () => run(process.execPath, ['scripts/prebuild.mjs', '--if-stale'], { cwd: ROOT }));
  assert.equal(pre.status, 0, pre.stderr + pre.stdout);
  assert.ok(existsSync(prebuilt(TAG)), `no prebuild for ${TAG}: ${pre.stdout}`);
  const { files, size } = ws.pack();
  console.log(`# tarball ${path.basename(ws.tarball)}: ${size} bytes, ${files.length} files`);
  for (const f of ['dist/index.js', 'dist/async.d.ts', 'dist/addon-loader.js', 'scripts/install.mjs', 'binding.gyp', `prebuilds/${TAG}/bsd_socket.node`]) {
    assert.ok(files.includes(f), `${f} missing from the tarball`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.map')), 'sources, tests or maps shipped');
});

test('npm install <tarball> with scripts, no compiler on PATH: the prebuild loads and nothing compiles', { skip: noNpm }, () => {
  const dir = ws.project('with-scripts', true);
  const r = ws.timed('install with scripts', () => ws.npm(['install', ws.tarball], dir, ws.bareEnv()));
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, new RegExp(`using the prebuilt prebuilds/${TAG}/bsd_socket.node; nothing to compile`));
  assert.equal(existsSync(path.join(packageDir(dir), 'build')), false, 'a build/ directory appeared: something compiled');
  useFromBoth(ws, dir);
});

test('npm install --ignore-scripts <tarball>: the prebuild loads at run time', { skip: noNpm }, () => {
  const dir = ws.project('ignore-scripts', false);
  const r = ws.timed('install --ignore-scripts', () => ws.npm(['install', '--ignore-scripts', ws.tarball], dir, ws.bareEnv()));
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.doesNotMatch(r.stdout, /bsd-socket: /);
  useFromBoth(ws, dir);
});

test('a corrupt binary is skipped with a one-line reason and the next candidate loads', { skip: noNpm }, () => {
  const dir = ws.copyOfInstalled('corrupt');
  const release = path.join(packageDir(dir), 'build', 'Release');
  mkdirSync(release, { recursive: true });
  writeFileSync(path.join(release, 'bsd_socket.node'), 'this is not a shared object\n');
  writeFileSync(path.join(dir, 'use.mjs'), ESM_USE);
  const r = run(process.execPath, ['use.mjs'], { cwd: dir, env: ws.bareEnv() });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).got, 'esm ping');
  const warnings = r.stderr.split('\n').filter((l) => l.includes('bsd-socket: skipped'));
  assert.equal(warnings.length, 1, r.stderr);
  assert.match(warnings[0]!, /build\/Release\/bsd_socket\.node: not an ELF shared object/);
});

const foreign = process.arch === 'x64' ? 'linux-arm64-glibc' : 'linux-x64-glibc';
const foreignCc = process.arch === 'x64' ? 'aarch64-linux-gnu-gcc' : 'x86_64-linux-gnu-gcc';
test(`a foreign-architecture prebuild (${foreign} renamed to ${TAG}) is skipped; with no other candidate one error names the tag and the fix`,
  { skip: noNpm || (onRealPath(foreignCc) ? false : `no ${foreignCc} to build the ${foreign} prebuild`) }, () => {
    assert.ok(existsSync(prebuilt(foreign)), `setup built no ${foreign} prebuild`);
    const dir = ws.copyOfInstalled('foreign');
    copyFileSync(path.join(packageDir(dir), 'prebuilds', foreign, 'bsd_socket.node'), path.join(packageDir(dir), 'prebuilds', TAG, 'bsd_socket.node'));
    writeFileSync(path.join(dir, 'use.mjs'), ESM_USE);
    const r = run(process.execPath, ['use.mjs'], { cwd: dir, env: ws.bareEnv() });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`no native addon loads for ${TAG}`));
    assert.match(r.stderr, /bsd_socket\.node: built for (aarch64 \(arm64\)|x86-64 \(x64\)), this process is/);
    assert.match(r.stderr, /npm rebuild bsd-socket/);
    assert.match(r.stderr, /BSD_SOCKET_BUILD_FROM_SOURCE=1/);
    // The install script without a toolchain: it says what it skipped and what to install.
    const inst = run(process.execPath, ['scripts/install.mjs'], { cwd: packageDir(dir), env: ws.bareEnv() });
    assert.equal(inst.status, 1, inst.stdout + inst.stderr);
    assert.match(inst.stdout, /skipped .*built for/);
    assert.match(inst.stderr, new RegExp(`no usable prebuild for ${TAG}, so the addon must be compiled from source, but a C compiler \\(cc, gcc or clang\\), make, Python 3 are not on PATH`));
    assert.match(inst.stderr, /apt-get install build-essential python3/);
  });

test('no binary at all: one error naming the platform tag looked for and the fix, not a stack of require errors', { skip: noNpm }, () => {
  const dir = ws.copyOfInstalled('missing');
  rmSync(path.join(packageDir(dir), 'prebuilds'), { recursive: true });
  writeFileSync(path.join(dir, 'use.cjs'), CJS_USE);
  const r = run(process.execPath, ['use.cjs'], { cwd: dir, env: ws.bareEnv() });
  assert.notEqual(r.status, 0);
  // One error line (Node prints an uncaught error as `Error: ...`, Bun as `error: ...`).
  const message = r.stderr.split('\n').filter((l) => /^error: bsd-socket:/i.test(l));
  assert.equal(message.length, 1, r.stderr);
  assert.match(message[0]!, new RegExp(`no native addon loads for ${TAG} \\(looked for build/Release/bsd_socket.node, build/Debug/bsd_socket.node, prebuilds/${TAG}/bsd_socket.node\\)`));
  assert.match(r.stderr, /No prebuilt binary matches .* `npm rebuild bsd-socket`/);
  assert.doesNotMatch(r.stderr, /^Skipped:$/m);
});
