// What every GUI test starts from: its own lab, a headless Chromium page on the lab's GUI,
// signed in as admin; and what every one ends with: the browser closed, the lab stopped, and
// no process of it (service, worker or guest) left behind.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { startLab, type Lab } from './lab.js';
import { launchBrowser, newPage } from './browser.js';
import { AppPage } from '../pages/app-page.js';

export interface GuiSession {
  lab: Lab;
  browser: Browser;
  page: Page;
  /** Page errors and console errors seen so far. */
  problems: string[];
  app: AppPage;
}

/** `signIn: false` leaves the page unopened (a test that watches the sign-in itself). */
export async function openGuiSession(opts: { novaConf?: string; signIn?: boolean } = {}): Promise<GuiSession> {
  const lab = await startLab(opts.novaConf === undefined ? {} : { novaConf: opts.novaConf });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const { page, problems } = await newPage(browser);
    const app = new AppPage(page, lab.guiUrl);
    if (opts.signIn !== false) {
      await app.open();
      await app.signIn();
    }
    return { lab, browser, page, problems, app };
  } catch (err) {
    // The caller never gets the lab to stop: stop it here.
    await closeGuiSession({ lab, browser });
    throw err;
  }
}

export async function closeGuiSession(s: { lab?: Lab; browser?: Browser }): Promise<void> {
  await s.browser?.close().catch(() => undefined);
  if (s.lab) {
    const { leftovers } = await s.lab.stop();
    assert.deepEqual(leftovers, [], `processes outlived the lab: ${leftovers.join(', ')}`);
  }
}
