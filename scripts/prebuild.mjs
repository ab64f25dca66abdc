// `npm run prebuild`: compiles the addon for every shipped target into
// prebuilds/<os>-<arch>-<libc>/bsd_socket.node, from binding.gyp's sources,
// defines and C flags (one compiler call per target, no node-gyp, no Python).
// The output is reproducible: stripped, no build id, source paths mapped to
// `.` and no timestamps, so two runs give the same bytes (`--check` verifies
// that by building twice into a temp dir and comparing).
//
//   node scripts/prebuild.mjs             build every target whose compiler exists
//   node scripts/prebuild.mjs --check     build twice, fail unless byte-identical
//   node scripts/prebuild.mjs --only linux-arm64-glibc
//   node scripts/prebuild.mjs --if-stale  skip targets newer than every input
// A target whose cross compiler is missing is skipped with a printed reason;
// `--require-all` turns that into a failure (`npm pack` uses it: a release
// ships every target).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeIncludeDir, onPath, readTarget, root } from './gyp-target.mjs';

/** The shipped targets: the tag names the directory the loader looks in. */
export const TARGETS = [
  { tag: 'linux-x64-glibc', cc: 'x86_64-linux-gnu-gcc', hostCc: 'cc', hostArch: 'x64' },
  { tag: 'linux-arm64-glibc', cc: 'aarch64-linux-gnu-gcc', hostCc: null, hostArch: 'arm64' },
];

function compilerFor(t) {
  if (onPath(t.cc)) return t.cc;
  if (process.platform === 'linux' && process.arch === t.hostArch && t.hostCc && onPath(t.hostCc)) return t.hostCc;
  return null;
}

/** Compile one target into `outFile` (written through a temp name, then renamed). */
export function buildTarget(t, outFile) {
  const cc = compilerFor(t);
  if (!cc) return { skipped: `no ${t.cc} on PATH (Debian: apt-get install gcc-${t.cc.replace(/-gcc$/, '')})` };
  const target = readTarget();
  // Written beside the package's files, outside `files`, then renamed into
  // place: a concurrent `npm pack` or loader never sees a partial binary.
  const shipped = outFile.startsWith(path.join(root, 'prebuilds') + path.sep);
  const tmpFile = shipped ? path.join(root, '.prebuild-tmp', `${t.tag}-${process.pid}.node`) : `${outFile}.tmp`;
  const args = [
    '-shared', '-fPIC', '-pthread',
    ...target.cflags,
    ...target.defines.map((d) => `-D${d}`),
    `-DNODE_GYP_MODULE_NAME=${target.name}`, '-DBUILDING_NODE_EXTENSION',
    '-D_LARGEFILE_SOURCE', '-D_FILE_OFFSET_BITS=64',
    `-I${nodeIncludeDir()}`,
    `-ffile-prefix-map=${root}=.`,
    '-Wl,--build-id=none', '-Wl,-s', '-Wl,-z,noexecstack',
    '-o', tmpFile,
    ...target.sources,
  ];
  mkdirSync(path.dirname(outFile), { recursive: true });
  mkdirSync(path.dirname(tmpFile), { recursive: true });
  execFileSync(cc, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, SOURCE_DATE_EPOCH: '0', LC_ALL: 'C' } });
  renameSync(tmpFile, outFile);
  return { file: outFile };
}

/** Newest modification time of the inputs: binding.gyp, native/, this script. */
function newestInput() {
  const files = ['binding.gyp', 'scripts/prebuild.mjs', 'scripts/gyp-target.mjs',
    ...readdirSync(path.join(root, 'native')).map((f) => path.join('native', f))];
  return Math.max(...files.map((f) => statSync(path.join(root, f)).mtimeMs));
}

const sha256 = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');

function main(argv) {
  const check = argv.includes('--check');
  const onlyIdx = argv.indexOf('--only');
  const only = onlyIdx >= 0 ? argv[onlyIdx + 1] : undefined;
  const targets = TARGETS.filter((t) => !only || t.tag === only);
  if (targets.length === 0) throw new Error(`unknown target ${only}; known: ${TARGETS.map((t) => t.tag).join(', ')}`);
  const requireAll = argv.includes('--require-all');
  const ifStale = argv.includes('--if-stale');
  let failed = false;
  for (const t of targets) {
    const rel = path.join('prebuilds', t.tag, 'bsd_socket.node');
    const start = Date.now();
    if (check) {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'bsd-socket-prebuild-'));
      try {
        const a = buildTarget(t, path.join(tmp, 'a', 'bsd_socket.node'));
        if (a.skipped) { console.log(`prebuild ${t.tag}: skipped, ${a.skipped}`); failed ||= requireAll; continue; }
        buildTarget(t, path.join(tmp, 'b', 'bsd_socket.node'));
        const [ha, hb] = [sha256(a.file), sha256(path.join(tmp, 'b', 'bsd_socket.node'))];
        if (ha !== hb) { console.error(`prebuild ${t.tag}: NOT reproducible (${ha} vs ${hb})`); failed = true; }
        else console.log(`prebuild ${t.tag}: reproducible, sha256 ${ha}`);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      continue;
    }
    const out = path.join(root, rel);
    if (ifStale && existsSync(out) && statSync(out).mtimeMs >= newestInput()) {
      console.log(`prebuild ${t.tag}: ${rel} is up to date`);
      continue;
    }
    const r = buildTarget(t, out);
    if (r.skipped) { console.log(`prebuild ${t.tag}: skipped, ${r.skipped}`); failed ||= requireAll; continue; }
    console.log(`prebuild ${t.tag}: ${rel} (${readFileSync(r.file).length} bytes, sha256 ${sha256(r.file).slice(0, 16)}…, ${Date.now() - start} ms)`);
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(root, 'scripts', 'prebuild.mjs')) main(process.argv.slice(2));
