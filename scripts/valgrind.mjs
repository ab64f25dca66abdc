// `npm run test:valgrind`: valgrind's memcheck over the test files that drive
// the addon hardest with unusual input. Each file runs in-process
// (`node file.test.js`: node:test then needs no child runner), under
//   valgrind --tool=memcheck --leak-check=full
// with the shipped build (build/Release). Fails when a file fails, on any
// memcheck error that scripts/valgrind.supp does not cover (those cover only
// Node's and V8's own code), and on a definite leak with an addon frame
// (Node and V8 free nothing at exit on purpose, so their leaks are not ours).
//
//   node scripts/valgrind.mjs [test file substrings...]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'build-valgrind');
const FILES = ['native-safety', 'messages', 'hardening'];
const only = process.argv.slice(2);
const files = FILES.filter((f) => only.length === 0 || only.some((o) => f.includes(o)));

// BSD_SOCKET_TEST_COMPILED=1: compiled already (as for scripts/test.mjs).
if (process.env.BSD_SOCKET_TEST_COMPILED !== '1') {
  for (const p of ['tsconfig.build.json', 'tsconfig.test.json']) {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', p],
      { cwd: root, stdio: 'inherit' });
  }
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

/** The <error> blocks of a memcheck XML file: kind, first line, frames. */
function errorsOf(xmlFile) {
  const xml = readFileSync(xmlFile, 'utf8');
  const out = [];
  for (const m of xml.matchAll(/<error>([\s\S]*?)<\/error>/g)) {
    const body = m[1];
    const kind = /<kind>([^<]*)<\/kind>/.exec(body)?.[1] ?? '?';
    const what = /<(?:text|what)>([^<]*)<\/(?:text|what)>/.exec(body)?.[1] ?? '';
    const frames = [...body.matchAll(/<frame>([\s\S]*?)<\/frame>/g)].map((f) => {
      const field = (n) => new RegExp(`<${n}>([^<]*)</${n}>`).exec(f[1])?.[1];
      const fn = field('fn') ?? '???';
      const where = field('file') ? `${field('file')}:${field('line')}` : field('obj') ?? '';
      return `${fn} (${where})`;
    });
    out.push({ kind, what, frames });
  }
  const counts = [...xml.matchAll(/<pair>\s*<count>(\d+)<\/count>\s*<name>([^<]*)<\/name>/g)]
    .map((p) => [p[2], Number(p[1])]);
  return { errors: out, suppressed: counts };
}

const addonFrame = (f) => /bsd_socket\.node|native\/[a-z]+\.c:/.test(f);
let failed = false;
const started = Date.now();
for (const name of files) {
  const file = path.join(root, '.build', 'test', `${name}.test.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  const xmlFile = path.join(outDir, `${name}.xml`);
  const t0 = Date.now();
  const r = spawnSync('valgrind', [
    '--tool=memcheck', '--trace-children=no', '--num-callers=40', '--error-limit=no',
    '--leak-check=full', '--show-leak-kinds=definite', '--errors-for-leak-kinds=definite',
    `--suppressions=${path.join(root, 'scripts', 'valgrind.supp')}`,
    '--xml=yes', `--xml-file=${xmlFile}`,
    process.execPath, file,
  ], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20 });
  const summary = /^# (pass|fail|skipped) \d+$/gm;
  const lines = (r.stdout.match(summary) ?? []).join(', ');
  const { errors, suppressed } = errorsOf(xmlFile);
  const counted = errors.filter((e) => !e.kind.startsWith('Leak_') || e.frames.some(addonFrame));
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  console.log(`valgrind: ${name}: exit ${r.status ?? r.signal} (${lines}), ${counted.length} error(s), ` +
    `${errors.length - counted.length} leak(s) outside the addon, suppressed ${suppressed.map(([n, c]) => `${n} x${c}`).join(', ') || 'none'}, ${secs} s`);
  for (const e of counted) {
    console.error(`\n${e.kind}: ${e.what}\n  ${e.frames.join('\n  ')}`);
  }
  if (r.status !== 0 || counted.length > 0) {
    failed = true;
    if (r.status !== 0) console.error(r.stdout.split('\n').filter((l) => /^not ok|^# /.test(l)).join('\n'));
  }
}
console.log(`valgrind: ${failed ? 'FAILED' : 'clean'}, ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
process.exit(failed ? 1 : 0);
