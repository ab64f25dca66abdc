// `npm run fuzz:coverage`: the line and region coverage of native/'s plain-C
// parsers reached by the corpora of the last `npm run fuzz` (in
// .fuzz-build/corpus/, or FUZZ_BUILD_DIR): each harness is rebuilt with
// clang's source-based coverage, replays its corpus once (-runs=0), and
// llvm-cov reports per file over all harnesses.  See docs/fuzzing.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { harnesses } from './fuzz-harnesses.mjs';

const out = process.env.FUZZ_BUILD_DIR ?? '.fuzz-build';
const clang = process.env.CC_FUZZ ?? 'clang';
const tool = (name) => process.env[`LLVM_${name.toUpperCase().replace('-', '_')}`] ?? `llvm-${name}`;
const dir = path.join(out, 'coverage');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

function must(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? `exit ${r.status}`}\n${r.stderr ?? ''}`);
    process.exit(1);
  }
  return r.stdout;
}

const objects = [];
const sources = new Set();
for (const [name, { sources: files }] of Object.entries(harnesses)) {
  const corpus = path.join(out, 'corpus', name);
  if (!existsSync(corpus) || readdirSync(corpus).length === 0) {
    console.error(`fuzz:coverage: no corpus for ${name} in ${corpus}; run npm run fuzz first`);
    process.exit(1);
  }
  const bin = path.join(dir, name);
  must(clang, ['-g', '-O0', '-std=gnu11', '-D_GNU_SOURCE', '-fsanitize=fuzzer',
    '-fprofile-instr-generate', '-fcoverage-mapping', `fuzz/${name}.c`, ...files.map((f) => `native/${f}`), '-o', bin]);
  must(path.resolve(bin), ['-runs=0', corpus], { env: { ...process.env, LLVM_PROFILE_FILE: path.join(dir, `${name}.profraw`) } });
  objects.push(bin);
  for (const f of files) sources.add(`native/${f}`);
}
const profdata = path.join(dir, 'all.profdata');
must(tool('profdata'), ['merge', '-sparse', ...objects.map((b) => `${b}.profraw`), '-o', profdata]);
const [first, ...rest] = objects;
console.log(must(tool('cov'), ['report', first, ...rest.flatMap((b) => ['-object', b]),
  `-instr-profile=${profdata}`, ...sources]));
console.log(`fuzz:coverage: per-line detail: ${tool('cov')} show ${first} ${rest.map((b) => `-object ${b}`).join(' ')} ` +
  `-instr-profile=${profdata} native/<file>.c`);
