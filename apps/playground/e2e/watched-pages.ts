import type { Browser, Page } from 'playwright-core';
import { watchForProblems } from './page-problems';

/**
 * Pages, each in a fresh browser profile whose console and requests are watched from the start.
 * `closeAll` closes them and gives what went wrong on any of them, for the test to expect none.
 */
export function watchedPages(browser: () => Browser) {
  const opened: { close: () => Promise<void>; problems: string[] }[] = [];
  return {
    async open(): Promise<Page> {
      const context = await browser().newContext();
      const { problems } = watchForProblems(context);
      opened.push({ close: () => context.close(), problems });
      return context.newPage();
    },
    async closeAll(): Promise<string[]> {
      const closing = opened.splice(0);
      // Taken before closing: requests cut short by the close are not the page's fault.
      const problems = closing.flatMap((page) => [...page.problems]);
      await Promise.all(closing.map((page) => page.close()));
      return problems;
    },
  };
}

/** Signs in as one demo user from the home page at `url`; ends on the loaded keys page. */
export async function signIn(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: `Sign in as ${name}` }).click();
  await page.waitForURL('**/keys');
  await keysLoaded(page);
}

/** The key table has loaded: the keys, or that there are none. */
export async function keysLoaded(page: Page): Promise<void> {
  await page.locator('[data-slot="key-table"][aria-busy="false"]').waitFor();
}
