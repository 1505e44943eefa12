// Issue 14, point 8 and three small untruths: an error's hint names what really went wrong
// (a wrong password is not an expired token; a stop on a host whose nova-compute is down is not
// "wait for it to settle"), the console picker offers only consoles that can open, and the
// overview counts what it says (one host is "1 host"; a SHUTOFF instance is not running).
// A lab with the fake driver and one host, so it is cheap.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken, compute, getServer, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { InstancesPage } from './pages/instances-page.js';
import { topologyFile } from '../../harness/lab-process.js';

describe('errors and counts tell the truth', { timeout: 10 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let app: AppPage;
  const ids: Record<string, string> = {};

  // Each test signs in if the form is showing, so one failure does not hide the others.
  const signedIn = async () => {
    if (await app.byTestId('signin-form').isVisible()) await app.signIn();
  };
  // The hint line under an error (its class predates this test, so the old GUI is measured too).
  const hintIn = (scope: { locator: Page['locator'] }) => scope.locator('.error-hint');

  const settled = (id: string, status: string) =>
    waitFor(`${id} to be ${status}`, async () => ((await getServer(lab.guiUrl, id))?.status === status ? true : null), 60_000);

  const boot = async (name: string, flavorRef: string): Promise<string> => {
    const token = await adminToken(lab.guiUrl);
    const images = (await (
      await fetch(new URL('image/v2/images?name=novalab-x86_64', lab.guiUrl), { headers: { 'X-Auth-Token': token } })
    ).json()) as { images: { id: string }[] };
    const r = await compute<{ server: { id: string } }>(lab.guiUrl, 'POST', '/servers', {
      server: { name, imageRef: images.images[0]!.id, flavorRef, networks: 'none' },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return r.body.server.id;
  };

  before(async () => {
    const topology = topologyFile([{ name: 'solo', vcpus: 8, memory_mb: 8192, architectures: ['x86_64'] }]);
    ({ lab, browser, page, app } = await openGuiSession({
      novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${topology}\n`,
      signIn: false,
    }));

    // up: ACTIVE; down: stopped (SHUTOFF); broken: its RAM fits the quota but no host (ERROR).
    ids.up = await boot('up', '1');
    ids.down = await boot('down', '1');
    const huge = await compute<{ flavor: { id: string } }>(lab.guiUrl, 'POST', '/flavors', {
      flavor: { name: 'too-big', ram: 40_000, vcpus: 1, disk: 1 },
    });
    assert.equal(huge.status, 200, JSON.stringify(huge.body));
    ids.broken = await boot('broken', huge.body.flavor.id);
    await settled(ids.up, 'ACTIVE');
    await settled(ids.down, 'ACTIVE');
    assert.equal((await compute(lab.guiUrl, 'POST', `/servers/${ids.down}/action`, { 'os-stop': null })).status, 202);
    await settled(ids.down, 'SHUTOFF');
    await settled(ids.broken, 'ERROR');
  });

  after(() => closeGuiSession({ lab, browser }));

  test('a wrong password at sign-in says the credentials are wrong, not that a token expired', async () => {
    await app.open();
    await app.byTestId('signin-user').fill('admin');
    await app.byTestId('signin-password').fill('not-the-password');
    await app.byTestId('signin-project').fill('admin');
    await app.byTestId('signin-submit').click();
    const hint = hintIn(page);
    await hint.waitFor({ timeout: 15_000 });
    assert.match(await app.byTestId('error-box').innerText(), /HTTP 401/);
    const text = await hint.innerText();
    assert.match(text, /user name, password or project/);
    assert.doesNotMatch(text, /token/i);
    await shot(page, 'errors-01-wrong-password');
    await app.setLanguage('zh-CN');
    assert.match(await hint.innerText(), /拒绝了这个用户名、密码或项目/);
    await app.setLanguage('en');
  });

  test('a host card does not count a SHUTOFF instance as a running VM', async () => {
    await signedIn();
    await app.goTo('overview');
    // up runs; down is SHUTOFF (still on the host: Nova's running_vms counts it); broken never reached a host.
    const card = app.byTestId('host-card-solo');
    await page.waitForFunction(
      () => /running VM/.test(document.querySelector('[data-testid="host-card-solo"]')?.textContent ?? ''),
      undefined,
      { timeout: 20_000 },
    );
    const text = await card.innerText();
    assert.match(text, /\b1 running VM\b/);
    assert.doesNotMatch(text, /2 running VMs/);
    assert.match(text, /\b2 instances\b/);
    await shot(page, 'errors-02-overview-counts');
  });

  test('the overview of a one-host lab says "1 host"', async () => {
    await signedIn();
    await app.goTo('overview');
    const count = app.byTestId('host-count');
    await count.waitFor({ timeout: 20_000 });
    assert.equal((await count.innerText()).trim(), '(1 host)');
  });

  test('the console picker lists the ACTIVE instance, not the ERROR or SHUTOFF ones', async () => {
    await signedIn();
    await app.goTo('console');
    await app.byTestId('console-pick-up').waitFor({ timeout: 20_000 });
    assert.equal(await app.byTestId('console-pick-broken').count(), 0, 'ERROR instance offered a console');
    assert.equal(await app.byTestId('console-pick-down').count(), 0, 'SHUTOFF instance offered a console');
    await shot(page, 'errors-03-console-picker');
  });

  test('a stop on a host whose nova-compute is down says so and where to see it, not "wait for it to settle"', async () => {
    const services = await compute<{ services: { id: string; host: string }[] }>(lab.guiUrl, 'GET', '/os-services?binary=nova-compute');
    const solo = services.body.services.find((s) => s.host === 'solo');
    assert.ok(solo, 'nova-compute on solo listed');
    const forced = await compute(lab.guiUrl, 'PUT', `/os-services/${solo.id}`, { forced_down: true });
    assert.equal(forced.status, 200, JSON.stringify(forced.body));

    await signedIn();
    const instances = new InstancesPage(app);
    await instances.open();
    await instances.waitStatus('up', 'ACTIVE');
    await instances.run('up', 'os-stop');
    const box = app.byTestId('instance-action-error');
    await box.waitFor({ timeout: 20_000 });
    assert.match(await box.innerText(), /Compute service of solo is unavailable/);
    const hint = await hintIn(box).innerText();
    assert.match(hint, /nova-compute on solo is down/);
    assert.match(hint, /Services/);
    assert.doesNotMatch(hint, /settle/);
    await shot(page, 'errors-04-host-down');
    // And nothing was half-done: the instance is still ACTIVE with no task.
    const s = await getServer(lab.guiUrl, ids.up!);
    assert.equal(s?.status, 'ACTIVE');
    assert.equal(s?.['OS-EXT-STS:task_state'] ?? null, null);
  });
});
