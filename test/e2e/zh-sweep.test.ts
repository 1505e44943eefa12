// Issue 14, point 5: in 简体中文 the GUI speaks Chinese. Against a real lab (one x86_64 guest, for
// a real console session): sign in in 简体中文, boot a guest, open its console, launch a flavor no
// host fits (NoValidHost), save an invalid value in Configuration; then visit every screen,
// open what can be opened, and collect every visible text node. Latin letters may remain only
// in names the lab's own APIs give (services, options, filters, hosts, images…), ids, numbers,
// units, commands and code, and in raw data (<code>, <pre>, [data-raw]); every other Latin word
// is English prose and fails the test, listed with its screen.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { compute } from './support/api.js';
import { findEnglishProse, formatReport, type TextSample } from './support/english-prose.js';
import { expandAll, labNames, visibleText } from './support/zh-screens.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { LaunchPage } from './pages/launch-page.js';
import { ConsolePage } from './pages/console-page.js';
import { ConfigPage } from './pages/config-page.js';

const IMAGE = 'novalab-x86_64';
const GUEST = 'zh-guest';
const TOO_BIG = 'zh-toobig';
const HUGE_FLAVOR = 'zh.huge';

describe('简体中文 on every screen, after a NoValidHost, a console session and a configuration error', { timeout: 12 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let app: AppPage;
  const samples: TextSample[] = [];
  let guestId = '';
  let tooBigId = '';

  const collect = async (screen: string) => {
    await expandAll(page);
    samples.push(...(await visibleText(page, screen)));
    await shot(page, `zh-sweep-${screen.replace(/[^\w-]+/g, '_')}`);
  };

  before(async () => {
    ({ lab, browser, page, app } = await openGuiSession({ signIn: false }));
  });

  after(() => closeGuiSession({ lab, browser }));

  test('no English prose on any screen in 简体中文', async () => {
    await app.open();
    await app.setLanguage('zh-CN');
    await app.byTestId('signin-user').waitFor();
    await collect('signin');
    await app.signIn();

    // A flavor no host fits: every host's RAM is far below it.
    const flavor = await compute(lab.guiUrl, 'POST', '/flavors', {
      flavor: { name: HUGE_FLAVOR, ram: 16384, vcpus: 1, disk: 1 },
    });
    assert.equal(flavor.status, 200, JSON.stringify(flavor.body));

    // One real x86_64 guest, from the launch form, and its console.
    const launch = new LaunchPage(app);
    await launch.open();
    await launch.fill({ name: GUEST, image: IMAGE, flavor: 'm1.tiny', stepMode: false });
    await collect('launch');
    await launch.submit();
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="boot-status"]');
        return (el?.getAttribute('data-value') ?? el?.textContent) === 'ACTIVE';
      },
      undefined,
      { timeout: 180_000, polling: 500 },
    );
    guestId = await app.byTestId('boot-server-id').innerText();
    await collect('boot (ACTIVE guest)');

    await app.goTo('console', guestId);
    await new ConsolePage(app).waitConnected(60_000);
    await app.until(() => document.querySelector('[data-testid="console-step-13"]')?.getAttribute('data-status') === 'done', 30_000);
    await collect('console (session open)');
    await app.byTestId('tab-log').click();
    await collect('console log');

    // NoValidHost, from the launch form too.
    await launch.open();
    await launch.fill({ name: TOO_BIG, image: IMAGE, flavor: HUGE_FLAVOR });
    await launch.submit();
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="boot-status"]');
        return (el?.getAttribute('data-value') ?? el?.textContent) === 'ERROR';
      },
      undefined,
      { timeout: 60_000, polling: 500 },
    );
    await app.byTestId('boot-fault').waitFor({ timeout: 30_000 });
    tooBigId = await app.byTestId('boot-server-id').innerText();
    await collect('boot (NoValidHost)');

    // A configuration error: an invalid value saved.
    const config = new ConfigPage(app);
    await config.open();
    await config.set('osapi_compute_workers', '0');
    await config.save();
    await app.byTestId('conf-field-error-osapi_compute_workers').waitFor({ timeout: 15_000 });
    await app.byTestId('conf-errors').waitFor();
    await collect('config (invalid value)');

    // Every other screen and route.
    await app.goTo('overview');
    await app.until(() => document.querySelectorAll('[data-testid^="host-card-"]').length > 0, 20_000);
    await collect('overview');
    await app.goTo('instances');
    await app.byTestId(`instance-row-${TOO_BIG}`).waitFor({ timeout: 15_000 });
    await app.byTestId(`instance-select-${TOO_BIG}`).click();
    await app.byTestId('instance-history').waitFor();
    await page.waitForTimeout(1500);
    await collect('instances (+ history of the NoValidHost)');
    await app.byTestId(`instance-select-${GUEST}`).click();
    await page.waitForTimeout(1500);
    await collect('instances (+ history of the guest)');
    await app.goTo('scheduler', guestId);
    await app.byTestId('scheduler-trace').first().waitFor({ timeout: 15_000 });
    await collect('scheduler (guest)');
    await app.goTo('scheduler', tooBigId);
    await app.byTestId('scheduler-novalidhost').first().waitFor({ timeout: 15_000 });
    await collect('scheduler (NoValidHost)');
    await app.goTo('scheduler');
    await collect('scheduler (picker)');
    await app.goTo('boot', guestId);
    await app.byTestId('boot-timeline').waitFor();
    await page.waitForTimeout(2000);
    await collect('boot (guest by id)');
    await app.goTo('console');
    await collect('console (picker)');
    await app.goTo('launch');
    await collect('launch (empty)');
    await app.goTo('config');
    await collect('config');
    await app.goTo('labs');
    await collect('labs');
    // A service's log: the screen around the lines (the lines are the service's own output).
    await app.goTo('logs', 'nova-scheduler');
    await app.until(() => document.querySelectorAll('[data-testid="log-line"]').length > 0, 30_000);
    await collect('logs (nova-scheduler)');

    // The names the lab's own APIs give.
    const names = await labNames(lab.guiUrl);
    const prose = findEnglishProse(samples, names);
    assert.ok(samples.length > 500, `the sweep saw the screens (${samples.length} text nodes)`);
    assert.equal(prose.length, 0, `English prose in 简体中文:\n${formatReport(prose)}`);
  });
});
