/**
 * What the runtime running the tests lacks (docs/runtimes.md). A test that
 * needs it skips there with the reason printed; under Node nothing skips.
 */
const versions: Readonly<Record<string, string | undefined>> = process.versions;

/** The test's skip option: the reason under Bun, false elsewhere. */
export function skipUnderBun(reason: string): string | false {
  return versions['bun'] !== undefined ? `Bun ${versions['bun']}: ${reason}` : false;
}
