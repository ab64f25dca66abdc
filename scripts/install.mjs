// npm's install step. In an installed package it compiles nothing when the
// prebuilt binary for this platform loads; otherwise (no match, or one that
// does not load here) it compiles from source with node-gyp, and without a
// toolchain it fails with what to install. A development checkout (src/
// present) always compiles from source, as `node-gyp rebuild` did before.
// BSD_SOCKET_BUILD_FROM_SOURCE=1 or `npm install --build-from-source` forces
// the source build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { onPath, root } from './gyp-target.mjs';

const env = process.env;
const truthy = (v) => v !== undefined && v !== '' && v !== '0' && v !== 'false';
const forced = truthy(env.BSD_SOCKET_BUILD_FROM_SOURCE) || truthy(env.npm_config_build_from_source);
const devCheckout = existsSync(path.join(root, 'src', 'native.ts'));
const loaderFile = path.join(root, 'dist', 'addon-loader.js');

let reason;
if (forced) reason = 'a source build was requested';
else if (devCheckout) reason = 'this is a development checkout';
else if (!existsSync(loaderFile)) reason = 'dist/ is missing';
else {
  const { loadAddon, platformTag } = await import(pathToFileURL(loaderFile).href);
  try {
    const found = loadAddon('prebuild');
    console.log(`bsd-socket: using the prebuilt ${path.relative(root, found.file)}; nothing to compile`);
    process.exit(0);
  } catch (e) {
    reason = `no usable prebuild for ${platformTag()}`;
    const skipped = String(e.message).split('\n').filter((l) => l.startsWith('  '));
    for (const s of skipped) console.log(`bsd-socket: skipped${s.trimEnd()}`);
  }
}

// A source build needs a C compiler, make and Python 3 (node-gyp's own needs).
const compiler = [env.CC, 'cc', 'gcc', 'clang'].filter(Boolean).find((c) => onPath(c));
const missing = [
  compiler ? null : 'a C compiler (cc, gcc or clang)',
  onPath('make') ? null : 'make',
  onPath('python3') || onPath('python') || env.npm_config_python || env.PYTHON ? null : 'Python 3',
].filter(Boolean);
if (missing.length > 0) {
  console.error(
    `bsd-socket: ${reason}, so the addon must be compiled from source, but ${missing.join(', ')} ` +
      `${missing.length > 1 ? 'are' : 'is'} not on PATH.\n` +
      'Install them (Debian/Ubuntu: apt-get install build-essential python3; Fedora: dnf install gcc make python3; ' +
      'Alpine: apk add build-base python3; macOS: xcode-select --install) and run `npm rebuild bsd-socket`.',
  );
  process.exit(1);
}
console.log(`bsd-socket: ${reason}; compiling from source with node-gyp`);
const gyp = env.npm_config_node_gyp;
const r = gyp && existsSync(gyp)
  ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: root, stdio: 'inherit' })
  : spawnSync('node-gyp', ['rebuild'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (r.error) {
  console.error(`bsd-socket: could not run node-gyp (${r.error.message}); npm ships it, or: npm install -g node-gyp`);
  process.exit(1);
}
process.exit(r.status ?? 1);
