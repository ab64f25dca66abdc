// Node.js binaries from the npm registry, for running the suite on several
// Node lines and CPUs: `npm pack node-linux-<arch>@<range>` holds bin/node.
// Cached under $BSD_SOCKET_CACHE or ~/.cache/bsd-socket/node.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const cacheDir = path.join(process.env.BSD_SOCKET_CACHE ?? path.join(os.homedir(), '.cache', 'bsd-socket'), 'node');

/** The supported range of each Node line (20 needs 20.19 for require(esm)). */
export const LINES = { 20: '>=20.19.0 <21', 22: '^22', 24: '^24', 26: '^26' };

/** Path of bin/node for `major` on `arch`, downloading it once. */
export function nodeBinary(major, arch = 'x64') {
  const range = LINES[major] ?? `^${major}`;
  const dir = path.join(cacheDir, `linux-${arch}-${major}`);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = path.join(cacheDir, `.tmp-${arch}-${major}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const out = execFileSync('npm', ['pack', `node-linux-${arch}@${range}`, '--json', '--pack-destination', tmp], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const [info] = JSON.parse(out);
    execFileSync('tar', ['xzf', path.join(tmp, info.filename), '-C', tmp]);
    rmSync(path.join(tmp, info.filename));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(bin)) throw new Error(`node-linux-${arch}@${range}: no package/bin/node in ${readdirSync(dir).join(', ')}`);
  return bin;
}
