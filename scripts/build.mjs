// Incremental developer build: the addon (node-gyp, configured once) and the
// TypeScript (library, then tests/bench/examples).  `npm install` does the
// full clean build through the install and prepare scripts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const gyp = (() => {
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';
  }
})();
// Use the running Node's own headers when they are installed beside it, as
// npm does through its nodedir setting, so no header download is needed.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir ??
  (existsSync(path.join(prefix, 'include/node/node_api.h')) ? prefix : undefined);
const gypArgs = nodedir ? [`--nodedir=${nodedir}`] : [];
const only = process.argv[2];
if (only !== 'ts') {
  if (!existsSync('build/Makefile')) run(process.execPath, [gyp, 'configure', ...gypArgs]);
  run(process.execPath, [gyp, 'build', ...gypArgs]);
}
if (only !== 'native') {
  const tsc = 'node_modules/typescript/bin/tsc';
  let failed = false;
  for (const p of ['tsconfig.build.json', 'tsconfig.test.json']) {
    try { run(process.execPath, [tsc, '-p', p]); } catch { failed = true; }
  }
  if (failed) process.exit(1);
}
