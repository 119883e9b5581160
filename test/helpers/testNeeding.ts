import test, { type ExecutionContext } from 'ava';

/**
 * Declares a test that needs an outside tool (a Debian package .ci/run installs). Where the tool is
 * missing the test is skipped with a message on a developer's machine, and fails under CI (CI=true),
 * where .ci/run was supposed to install it — so a missing tool never passes silently.
 */
export function testNeeding(available: boolean, needs: string, title: string, body: (t: ExecutionContext) => Promise<void> | void): void {
  if (available) {
    test(title, body);
  } else if (process.env.CI) {
    test(title, (t) => t.fail(`${needs} is missing, but .ci/run should have installed it`));
  } else {
    console.warn(`skipped "${title}": needs ${needs}`);
    test.skip(`${title} (needs ${needs})`, () => undefined);
  }
}
