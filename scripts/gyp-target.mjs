// Reads the addon target out of binding.gyp, so every build outside node-gyp
// (prebuilds, cross compile checks) compiles exactly the sources, defines and
// C flags that node-gyp does. binding.gyp is a Python literal; this accepts the
// JSON-like subset it uses (comments, single quotes, trailing commas).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function readTarget() {
  const text = readFileSync(path.join(root, 'binding.gyp'), 'utf8')
    .replace(/^\s*#.*$/gm, '')
    .replace(/'/g, '"')
    .replace(/,(\s*[\]}])/g, '$1');
  const gyp = JSON.parse(text);
  const targets = gyp.targets ?? [];
  if (targets.length !== 1) throw new Error(`binding.gyp: expected one target, found ${targets.length}`);
  const t = targets[0];
  if (!Array.isArray(t.sources) || t.sources.length === 0) throw new Error('binding.gyp: the target lists no sources');
  return {
    name: t.target_name,
    sources: t.sources.filter((s) => s.endsWith('.c')),
    defines: t.defines ?? [],
    cflags: t.cflags_c ?? [],
  };
}

/** Node-API headers: the running Node's own, else npm's nodedir, else /usr/include/node. */
export function nodeIncludeDir() {
  const candidates = [
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, 'include', 'node'),
    '/usr/include/node',
  ].filter(Boolean);
  for (const c of candidates) {
    try { readFileSync(path.join(c, 'node_api.h')); return c; } catch { /* next */ }
  }
  throw new Error(`node_api.h not found in ${candidates.join(', ')}`);
}

/** Whether an executable named `name` is on PATH (no `which` needed). */
export function onPath(name, envPath = process.env.PATH ?? '') {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, name);
    if (isExecutable(full)) return full;
  }
  return null;
}

function isExecutable(file) {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
