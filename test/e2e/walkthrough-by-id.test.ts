// Issue 14, point 4 and the scheduler crash of point 8 (headless Chromium, fake driver, two
// hosts). The walkthrough and the scheduler view address an instance by its id: a launch from
// the GUI gets the instance's address as soon as Nova answers, and that address shows the
// instance's real state and steps after a reload and after a new sign-in; two launches in two
// sessions never share an address; the boot's decision reopens from the instance after a
// reload. When nova-scheduler dies while a boot waits for it, there is no decision, and the
// walkthrough says so (and why) instead of linking to an empty one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import type { StepModeState, LabServices } from '../../contract/lab-api.js';
import { type Lab } from './support/lab.js';
import { newPage, shot } from './support/browser.js';
import { compute, labApi, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { BootPage } from './pages/boot-page.js';
import { LaunchPage } from './pages/launch-page.js';
import { SchedulerPage } from './pages/scheduler-page.js';
import { topologyFile } from '../../harness/lab-process.js';

const IMAGE = 'novalab-x86_64';
const FLAVOR = 'm1.tiny';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

interface Server {
  id: string;
  name: string;
  status: string;
  'OS-EXT-SRV-ATTR:host': string | null;
}

describe('the walkthrough and the scheduler view address an instance by its id', { timeout: 10 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let app: AppPage;
  let first: { id: string; name: string; url: string; host: string };

  const server = async (id: string) => (await compute<{ server: Server }>(lab.guiUrl, 'GET', `/servers/${id}`)).body.server;

  /** Launch from the wizard; the address becomes #/boot/<instance id> once Nova answers. */
  async function launchFromGui(a: AppPage, name: string, stepMode = false): Promise<string> {
    const launch = new LaunchPage(a);
    await launch.open();
    await launch.fill({ name, image: IMAGE, flavor: FLAVOR, stepMode });
    await launch.submit();
    return a.page.url();
  }

  async function waitForIdAddress(p: Page): Promise<string> {
    await p.waitForFunction((re) => new RegExp(`#/boot/${re}$`).test(location.hash), UUID, { timeout: 60_000, polling: 250 });
    return decodeURIComponent(new URL(p.url()).hash.replace('#/boot/', ''));
  }

  /** What the walkthrough at the current address shows once its steps are all done. */
  async function shownInstance(a: AppPage): Promise<{ id: string | null; name: string; status: string; steps: string[] }> {
    const boot = new BootPage(a);
    await boot.waitForStatus(['ACTIVE', 'ERROR'], 60_000);
    const steps = await boot.waitAllDone(60_000);
    return {
      id: await boot.serverId(),
      name: await a.byTestId('boot-name').innerText(),
      status: await boot.status(),
      steps: steps.map((s) => s.status),
    };
  }

  before(async () => {
    const topology = topologyFile([
      { name: 'host-a', vcpus: 8, memory_mb: 8192, architectures: ['x86_64'] },
      { name: 'host-b', vcpus: 8, memory_mb: 8192, architectures: ['x86_64'] },
    ]);
    ({ lab, browser, page, problems, app } = await openGuiSession({
      novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${topology}\n`,
    }));
  });

  after(async () => {
    await labApi(lab.guiUrl, 'PUT', 'step-mode', { enabled: false }).catch(() => undefined);
    await closeGuiSession({ lab, browser });
  });

  test("a GUI launch's address is its instance id, and shows it ACTIVE with every step done after a reload and a new sign-in", async () => {
    const name = 'walk-id-1';
    await launchFromGui(app, name);
    const id = await waitForIdAddress(page);
    const url = page.url();
    const live = await shownInstance(app);
    assert.deepEqual(live, { id, name, status: 'ACTIVE', steps: Array(12).fill('done') });
    const s = await server(id);
    assert.equal(s.name, name, 'the address names the instance Nova created for this launch');

    await page.reload();
    await app.signIn();
    assert.equal(page.url(), url, 'the same address after the reload');
    assert.deepEqual(await shownInstance(app), { id, name, status: 'ACTIVE', steps: Array(12).fill('done') });
    await shot(page, 'walkthrough-by-id-after-reload', { fullPage: true });

    await app.byTestId('sign-out').click();
    await app.signIn();
    assert.equal(page.url(), url, 'the same address after signing out and in');
    assert.deepEqual(await shownInstance(app), { id, name, status: 'ACTIVE', steps: Array(12).fill('done') });
    first = { id, name, url, host: s['OS-EXT-SRV-ATTR:host']! };
    assert.ok(first.host);
    assert.deepEqual(problems, []);
  });

  test('two launches in two sessions get two addresses, each naming its own instance wherever it is opened', async () => {
    const other = await newPage(browser);
    const app2 = new AppPage(other.page, lab.guiUrl);
    try {
      await app2.open();
      await app2.signIn();
      // Both sessions launch (each its first launch since it was opened).
      await launchFromGui(app, 'walk-id-2');
      await launchFromGui(app2, 'walk-id-3');
      const [id2, id3] = [await waitForIdAddress(page), await waitForIdAddress(other.page)];
      assert.notEqual(id2, id3);
      assert.notEqual(page.url(), other.page.url());
      assert.equal((await shownInstance(app)).name, 'walk-id-2');
      assert.equal((await shownInstance(app2)).name, 'walk-id-3');
      // Each address means the same instance in the other session too.
      await other.page.goto(page.url());
      assert.deepEqual(await shownInstance(app2), { id: id2, name: 'walk-id-2', status: 'ACTIVE', steps: Array(12).fill('done') });
      await other.page.goto(first.url);
      assert.equal((await shownInstance(app2)).id, first.id);
      assert.deepEqual(other.problems, []);
    } finally {
      await other.page.context().close();
    }
  });

  test('the boot decision reopens from the instance after a reload: from the walkthrough, its history, and the list of decisions', async () => {
    const name = 'walk-decision';
    await launchFromGui(app, name);
    const boot = new BootPage(app);
    await boot.waitForStatus(['ACTIVE'], 90_000);
    const id = (await boot.serverId())!;
    const host = (await server(id))['OS-EXT-SRV-ATTR:host']!;
    assert.ok(host);
    await page.reload();
    await app.signIn();
    const sched = new SchedulerPage(app);

    await app.byTestId('open-scheduler').click();
    await app.byTestId('screen-scheduler').waitFor();
    let decision = await sched.focusedTrace();
    assert.equal(decision.kind, 'boot');
    assert.match(decision.chosen, new RegExp(host), 'the decision chose the host the instance is on');
    assert.match(page.url(), new RegExp(`#/scheduler/${id}/req-`), 'the decision is addressed by instance and request');

    const decisionUrl = page.url();
    await page.reload();
    await app.signIn();
    assert.equal(page.url(), decisionUrl);
    decision = await sched.focusedTrace();
    assert.match(decision.chosen, new RegExp(host));

    // From the instance's history (Instances → the instance → its actions).
    await app.goTo('instances');
    await app.byTestId(`instance-select-${name}`).click();
    await app.byTestId('history-decision-create').click();
    await app.byTestId('screen-scheduler').waitFor();
    assert.equal(page.url(), decisionUrl, 'the create action opens the same decision');
    assert.match((await sched.focusedTrace()).chosen, new RegExp(host));

    // From the scheduler view's list of recent decisions.
    await app.goTo('scheduler');
    const entry = page.locator(`[data-testid="recent-decision"][data-server-id="${id}"]`);
    await entry.first().waitFor({ timeout: 30_000 });
    await entry.first().locator('a').click();
    assert.equal(page.url(), decisionUrl);
    assert.match((await sched.focusedTrace()).chosen, new RegExp(host));
    assert.deepEqual(problems, []);
  });

  test('nova-scheduler keeps dying while a boot waits for its decision: the walkthrough says no decision was made and why, with no link to one', async () => {
    await labApi(lab.guiUrl, 'PUT', 'step-mode', { enabled: true });
    await launchFromGui(app, 'walk-crash', true);
    // Let the request go until nova-scheduler holds it before deciding, then kill that
    // nova-scheduler; nova-conductor asks each restarted one again, a few times, then gives up.
    let id: string | null = null;
    let lastHold = 0;
    const killed: number[] = [];
    await waitFor(
      'nova-conductor to give up on nova-scheduler',
      async () => {
        if (id && (await server(id)).status === 'ERROR') return true;
        const { holds } = (await labApi<StepModeState>(lab.guiUrl, 'GET', 'step-mode')).body;
        const deciding = holds.find((h) => h.announcement.step === 'scheduler.decide' && h.id > lastHold);
        if (deciding) {
          const pid = (await labApi<LabServices>(lab.guiUrl, 'GET', 'services')).body.processes.find(
            (p) => p.binary === 'nova-scheduler',
          )?.pid;
          if (!pid || killed.includes(pid)) return null;
          id = deciding.ctx.instance_uuid ?? null;
          lastHold = deciding.id;
          process.kill(pid, 'SIGKILL');
          killed.push(pid);
        } else if (holds.length && holds.every((h) => h.announcement.step !== 'scheduler.decide'))
          await labApi(lab.guiUrl, 'POST', 'step-mode/next', {});
        return null;
      },
      180_000,
      300,
    );
    assert.ok(id);
    assert.ok(killed.length >= 2, `nova-scheduler was killed ${killed.length} times`);
    await labApi(lab.guiUrl, 'PUT', 'step-mode', { enabled: false });

    // The launch's own walkthrough, still open.
    const boot = new BootPage(app);
    await boot.waitForStatus(['ERROR'], 60_000);
    assert.equal(await boot.serverId(), id);
    const steps = await boot.steps();
    assert.equal(steps[6]!.status, 'error', 'step 7 is where the boot failed');
    const note = app.byTestId('boot-no-decision');
    const reason = async () => {
      await page
        .waitForSelector('[data-testid="boot-no-decision"][data-reason="scheduler_died"]', { timeout: 30_000 })
        .catch(() => undefined);
      return (await note.count()) ? note.getAttribute('data-reason') : null;
    };
    const noLinks = async () => ({
      decision: await app.byTestId('open-scheduler').count(),
      anyToScheduler: await page.locator('[data-testid="screen-boot"] a[href^="#/scheduler"]').count(),
    });
    assert.deepEqual(await noLinks(), { decision: 0, anyToScheduler: 0 }, 'no link to a decision that does not exist');
    assert.equal(await reason(), 'scheduler_died');
    assert.match(await note.innerText(), new RegExp(`nova-scheduler made no decision.*ended ${killed.length} times.*signal SIGKILL`));
    assert.match(page.url(), new RegExp(`#/boot/${id}$`));
    const traces = await compute<{ traces: unknown[] }>(lab.guiUrl, 'GET', `/servers/${id}/os-scheduler-trace`);
    assert.deepEqual(traces.body.traces, [], 'the lab really has no decision for it');
    await shot(page, 'walkthrough-scheduler-died', { fullPage: true });
    // The scheduler view of the instance says the same, and shows no decision.
    await app.goTo('scheduler', id);
    const none = page.locator('[data-testid="scheduler-no-decision"][data-reason="scheduler_died"]');
    await none.waitFor({ timeout: 30_000 });
    assert.equal(await app.byTestId('scheduler-trace').count(), 0);
    await page.goBack();
    await app.byTestId('screen-boot').waitFor();

    // After a reload, the same statement (the crash is among the lab's events).
    await page.reload();
    await app.signIn();
    assert.equal(await reason(), 'scheduler_died');
    assert.deepEqual(await noLinks(), { decision: 0, anyToScheduler: 0 });
    // nova-scheduler is back for whatever comes next.
    await waitFor(
      'nova-scheduler to be back',
      async () =>
        (await labApi<LabServices>(lab.guiUrl, 'GET', 'services')).body.processes.find((p) => p.binary === 'nova-scheduler')?.state ===
        'running',
      60_000,
    );
    assert.deepEqual(problems, []);
  });
});
