// `npm run gen:errors-doc`: writes docs/errors.md from the cases that
// test/errors-table.test.ts checks (compiled into .build by the npm script).
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc, ERROR_CASES } from '../.build/test/errors-table.cases.js';

const target = new URL('../docs/errors.md', import.meta.url);
writeFileSync(target, renderErrorsDoc());
console.log(`docs/errors.md: ${ERROR_CASES.length} bad inputs`);
