// The compiled test files, shared by every runner (npm test, test:bun,
// test:arm64): each `*.test.js` below a directory, recursively.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function testFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) testFiles(full, out);
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}
