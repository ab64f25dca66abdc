// `npm run test:sanitize`: build the addon with AddressSanitizer and
// UndefinedBehaviorSanitizer into build-sanitize/ (never build/Release), then
// run the whole suite over it with the sanitizer runtime preloaded into every
// process. Fails on a test failure or on any sanitizer report, from any
// process (reports go to files through log_path, so a child's report is not
// lost in its captured output).
//
//   node scripts/sanitize.mjs [--build-only] [--out=DIR] [test file substrings...]
//
// Compiler: clang with its shared ASan runtime (-shared-libasan), which
// carries the UBSan handlers too: one runtime, one set of options, and every
// report, ASan's or UBSan's, goes to log_path. gcc links a separate libubsan
// beside libasan; loaded with the addon (dlopen), that copy never reads
// UBSAN_OPTIONS, so its reports go to stderr only and a child process's
// could be missed. CC=gcc is refused for that reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
// --out=DIR builds (and runs) elsewhere, e.g. to check a reverted fix while
// another run uses build-sanitize/.
const outDir = path.resolve(root, args.find((a) => a.startsWith('--out='))?.slice(6) ?? 'build-sanitize');
const objDir = path.join(outDir, 'obj');
const reportDir = path.join(outDir, 'reports');
const addon = path.join(outDir, 'bsd_socket.node');
const cc = process.env['CC'] ?? 'clang';
if (!/clang/.test(path.basename(cc))) throw new Error(`sanitize: ${cc} is not clang (see the comment at the top)`);

const buildOnly = args.includes('--build-only');
const only = args.filter((a) => !a.startsWith('--'));

/** binding.gyp is a Python literal; this one is JSON apart from comments. */
function readBinding() {
  const text = readFileSync(path.join(root, 'binding.gyp'), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  const target = JSON.parse(text).targets.find((t) => t.target_name === 'bsd_socket');
  if (!target) throw new Error('binding.gyp: no bsd_socket target');
  return target;
}

/** Node's headers: the nodedir node-gyp used (build/config.gypi), else next to this node. */
function nodeInclude() {
  const candidates = [];
  const gypi = path.join(root, 'build', 'config.gypi');
  if (existsSync(gypi)) {
    const m = /"nodedir":\s*"([^"]+)"/.exec(readFileSync(gypi, 'utf8'));
    if (m) candidates.push(path.join(m[1], 'include', 'node'));
  }
  candidates.push(path.resolve(path.dirname(process.execPath), '..', 'include', 'node'));
  const found = candidates.find((d) => existsSync(path.join(d, 'node_api.h')));
  if (!found) throw new Error(`node_api.h not found in ${candidates.join(', ')}`);
  return found;
}

const sanitize = ['-fsanitize=address,undefined', '-shared-libasan', '-fno-omit-frame-pointer',
  // A UBSan finding aborts the process (as an ASan one does) instead of
  // printing and going on, so no report can be missed.
  '-fno-sanitize-recover=all'];

function build() {
  const target = readBinding();
  const include = nodeInclude();
  // The shipped flags, minus the optimisation level: -O1 keeps stack traces exact.
  const cflags = target.cflags_c.filter((f) => !/^-O/.test(f));
  const defines = target.defines.map((d) => `-D${d}`);
  rmSync(objDir, { recursive: true, force: true });
  mkdirSync(objDir, { recursive: true });
  const objects = [];
  for (const src of target.sources) {
    if (!src.endsWith('.c')) continue;
    const obj = path.join(objDir, path.basename(src).replace(/\.c$/, '.o'));
    execFileSync(cc, [...cflags, '-O1', '-g', '-fPIC', ...sanitize, ...defines,
      '-DBUILDING_NODE_EXTENSION', '-I', include, '-c', path.join(root, src), '-o', obj],
    { stdio: 'inherit' });
    objects.push(obj);
  }
  const rpath = execFileSync(cc, ['--print-runtime-dir'], { encoding: 'utf8' }).trim();
  execFileSync(cc, ['-shared', ...sanitize, `-Wl,-rpath,${rpath}`, '-o', addon, ...objects], { stdio: 'inherit' });
  console.log(`sanitize: built ${path.relative(root, addon)} from ${objects.length} sources`);
}

function runtime(name) {
  const dir = execFileSync(cc, ['--print-runtime-dir'], { encoding: 'utf8' }).trim();
  const p = path.join(dir, name);
  if (!path.isAbsolute(p) || !existsSync(p)) throw new Error(`${cc} has no ${name}`);
  return p;
}

build();
if (buildOnly) process.exit(0);

// The TypeScript is compiled here, outside the sanitizer: tsc gains nothing
// from it and runs several times slower under it.
for (const p of ['tsconfig.build.json', 'tsconfig.test.json']) {
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', p],
    { cwd: root, stdio: 'inherit' });
}

rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });
const env = {
  ...process.env,
  BSD_SOCKET_NATIVE: addon,
  BSD_SOCKET_TEST_COMPILED: '1',
  BSD_SOCKET_SANITIZE: '1',
  // Everything runs several times slower: a test file gets 10 minutes, not 2.
  BSD_SOCKET_TEST_TIMEOUT_MS: '600000',
  // ASan must be the first library loaded, before node's own: preloading it
  // is the only way for a sanitized addon inside an unsanitized executable.
  // The same runtime holds UBSan's handlers.
  LD_PRELOAD: runtime(`libclang_rt.asan-${({ x64: 'x86_64', arm64: 'aarch64', ia32: 'i386' })[process.arch] ?? process.arch}.so`),
  ASAN_OPTIONS: [
    `log_path=${path.join(reportDir, 'asan')}`,
    // Node frees nothing at exit on purpose (V8's heap, the isolate, libuv's
    // loop), and so do python3 and the other programs the tests start under
    // the same LD_PRELOAD: leak detection would report only those. The
    // valgrind run (scripts/valgrind.mjs) looks for the addon's leaks.
    'detect_leaks=0',
    // V8 and Node install their own SIGSEGV/SIGBUS handlers (WebAssembly
    // trap handling); ASan leaves them in place.
    'allow_user_segv_handler=1',
    'abort_on_error=0',
    `suppressions=${path.join(root, 'scripts', 'asan.supp')}`,
    'strict_string_checks=1',
    'detect_stack_use_after_return=0',
    'check_initialization_order=1',
  ].join(':'),
  UBSAN_OPTIONS: [
    `log_path=${path.join(reportDir, 'ubsan')}`,
    'print_stacktrace=1',
    'halt_on_error=1',
  ].join(':'),
};

const started = Date.now();
const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'test.mjs'), ...only],
  { cwd: root, env, stdio: 'inherit' });
const seconds = ((Date.now() - started) / 1000).toFixed(0);

const reports = readdirSync(reportDir).sort();
for (const name of reports) {
  console.error(`\n==== sanitizer report ${name} ====`);
  console.error(readFileSync(path.join(reportDir, name), 'utf8'));
}
console.log(`sanitize: suite exit ${r.status ?? r.signal}, ${reports.length} sanitizer report(s), ${seconds} s`);
if (reports.length > 0) {
  console.error(`sanitize: FAILED with ${reports.length} report(s) in ${path.relative(root, reportDir)}/`);
  process.exit(1);
}
process.exit(r.status ?? 1);
