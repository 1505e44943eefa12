// Issue 14, point 6: step mode says where the request is held. Against a lab with the fake
// driver (no guest is needed to hold a request) and two hosts: with step mode on, a launch
// from the wizard is held in nova-api, nova-conductor, nova-scheduler and nova-compute in
// turn; at each hold the banner names the service and the pid of the process that really
// waits (checked against the lab's process list and /proc), the held step is opened and in
// view, and that service is highlighted in the architecture view (in the walkthrough and on
// the overview). Steps 10 and 11 explain the lab's real order. After a NoValidHost the banner
// says the request failed at step 7 instead of promising a next step, and a hold whose
// nova-compute is restarted is not left on the banner.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright';
import type { Hold, LabServices, StepModeState } from '../../contract/lab-api.js';
import { BOOT_STEPS } from '../../contract/boot-steps.js';
import { topologyFile } from '../../harness/lab-process.js';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { compute, labApi } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { BootPage } from './pages/boot-page.js';
import { LaunchPage } from './pages/launch-page.js';

const IMAGE = 'novalab-x86_64';

describe('step mode says where the request is held', { timeout: 10 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let app: AppPage;
  let boot: BootPage;

  /** The process (binary, host) the lab lists with this pid, as master or worker. */
  const listedProcess = async (pid: number) => {
    const { body } = await labApi<LabServices>(lab.guiUrl, 'GET', 'services');
    return body.processes.find((p) => p.pid === pid || p.workerPids.includes(pid)) ?? null;
  };
  const holdsNow = async () => (await labApi<StepModeState>(lab.guiUrl, 'GET', 'step-mode')).body.holds;

  /** Wait for the walkthrough to show a held step, or the request to end; the held step's number. */
  const nextHeld = async (): Promise<number | null> => {
    await app.until(() => {
      const held = document.querySelector('[data-testid="boot-timeline"] > li[data-status="held"]');
      const status = document.querySelector('[data-testid="boot-status"]')?.textContent;
      return held || status === 'ACTIVE' || status === 'ERROR';
    }, 60_000);
    return boot.heldStep();
  };
  const releaseAndWait = async (n: number) => {
    await boot.next();
    await page.waitForFunction((h) => document.querySelector(`[data-testid="boot-step-${h}"]`)?.getAttribute('data-status') !== 'held', n, {
      timeout: 15_000,
    });
  };

  before(async () => {
    const topology = topologyFile([
      { name: 'host-a', vcpus: 4, memory_mb: 4096, architectures: ['x86_64'] },
      { name: 'host-b', vcpus: 4, memory_mb: 4096, architectures: ['x86_64'] },
    ]);
    ({ lab, browser, page, problems, app } = await openGuiSession({
      novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${topology}\n`,
    }));
    boot = new BootPage(app);
  });

  after(async () => {
    await labApi(lab?.guiUrl ?? '', 'PUT', 'step-mode', { enabled: false }).catch(() => undefined);
    await closeGuiSession({ lab, browser });
  });

  test('each hold names the service and pid that really wait, opens the held step in view and highlights the service', async () => {
    const launch = new LaunchPage(app);
    await launch.open();
    await launch.fill({ name: 'held-where', image: IMAGE, flavor: 'm1.tiny', stepMode: true });
    await launch.submit();
    const seen = new Map<number, string>();
    let overviewChecked = false;
    try {
      for (let i = 0; i < 20; i++) {
        const n = await nextHeld();
        if (n === null) break;
        const banner = await boot.heldText();
        // The banner names a service and a pid: the lab lists that pid as that service's process,
        // and the process with that pid is that service (its title, as `ps` shows it).
        const m = /Held in (nova-[a-z]+)\b.*\(pid (\d+)\) before step (\d+)/.exec(banner);
        assert.ok(m, `step ${n}: the banner says where: ${banner}`);
        const [, service, pidText, stepText] = m;
        const pid = Number(pidText);
        assert.equal(Number(stepText), n, banner);
        const listed = await listedProcess(pid);
        assert.equal(listed?.binary, service, `pid ${pid} is ${service} in the lab's process list (${JSON.stringify(listed)})`);
        assert.match(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), new RegExp(`^${service}`), `pid ${pid} is a ${service} process`);
        const hold = (await holdsNow()).find((h: Hold) => h.announcement.step === BOOT_STEPS[n - 1]);
        assert.equal(hold?.holder?.pid, pid, `the lab holds step ${n} in pid ${pid}`);
        if (service === 'nova-compute') assert.match(banner, new RegExp(`on ${listed!.host} `), 'a nova-compute is named with its host');
        if (service === 'nova-api') {
          assert.ok(listed!.workerPids.includes(pid), 'held in a nova-api worker, not the master');
          assert.match(banner, /osapi_compute worker \d+/, 'the worker is named');
        }
        seen.set(n, service!);

        // The held step is open and in view, and says the same place.
        await page.waitForFunction(
          (k) => {
            const r = document.querySelector(`[data-testid="boot-step-${k}"]`)?.getBoundingClientRect();
            return !!r && r.top >= 0 && r.top < window.innerHeight && r.height > 0;
          },
          n,
          { timeout: 10_000, polling: 100 },
        );
        assert.ok(await app.byTestId(`boot-step-detail-${n}`).isVisible(), `step ${n}'s detail is open`);
        assert.match(await app.byTestId(`held-where-${n}`).innerText(), new RegExp(`pid ${pid}`));

        // The architecture view beside the steps highlights that service's box, and only it.
        const box = app.byTestId('held-architecture').locator(`[data-testid="svc-box-${service}-${listed!.host}"]`);
        await page.waitForFunction(
          (sel) => document.querySelector(sel)?.getAttribute('data-held') === 'true',
          `[data-testid="held-architecture"] [data-testid="svc-box-${service}-${listed!.host}"]`,
          { timeout: 10_000 },
        );
        assert.match(await box.innerText(), new RegExp(`before step ${n} \\(pid ${pid}\\)`));
        assert.equal(await app.byTestId('held-architecture').locator('[data-held="true"]').count(), 1);

        if (n === 9) {
          // In 简体中文 the same place, in the course's words.
          await app.setLanguage('zh-CN');
          await page.waitForFunction(() => /^停在/.test(document.querySelector('[data-testid="held-step"]')?.textContent ?? ''));
          assert.match(await boot.heldText(), new RegExp(`停在 ${listed!.host} 上的 nova-compute（PID ${pid}）中，第 9 步之前`));
          await app.setLanguage('en');
          await page.waitForFunction(() => /^Held in/.test(document.querySelector('[data-testid="held-step"]')?.textContent ?? ''));
        }
        if (n === 11) {
          // The lab fetches the image inside step 10: step 10 is still in progress, and both cards say why.
          assert.equal(await app.byTestId('boot-step-10').getAttribute('data-status'), 'active');
          assert.match(await app.byTestId('order-note-11').innerText(), /inside step 10|Step 10 completes after step 11/);
          assert.match(await app.byTestId('order-note-10').innerText(), /waiting for step 11/);
          await shot(page, 'step-mode-held-11', { fullPage: false });
        }
        if (n === 7 && !overviewChecked) {
          await shot(page, 'step-mode-held-7', { fullPage: false });
          await app.goTo('overview');
          await page.waitForFunction(
            (sel) => document.querySelector(sel)?.getAttribute('data-held') === 'true',
            `[data-testid="service-map"] [data-testid="svc-box-nova-scheduler-${listed!.host}"]`,
            { timeout: 15_000 },
          );
          overviewChecked = true;
          await app.goTo('boot');
          await nextHeld();
        }
        await releaseAndWait(n);
      }
      assert.equal(await boot.waitForStatus(['ACTIVE', 'ERROR'], 60_000), 'ACTIVE');
    } finally {
      await labApi(lab.guiUrl, 'PUT', 'step-mode', { enabled: false }).catch(() => undefined);
    }
    assert.deepEqual(
      [...seen.entries()].sort((a, b) => a[0] - b[0]),
      [
        [3, 'nova-api'],
        [4, 'nova-api'],
        [5, 'nova-api'],
        [6, 'nova-conductor'],
        [7, 'nova-scheduler'],
        [8, 'nova-conductor'],
        [9, 'nova-compute'],
        [10, 'nova-compute'],
        [11, 'nova-compute'],
      ],
    );
    assert.ok(overviewChecked, 'the overview highlighted the scheduler while it held step 7');
    assert.deepEqual(
      problems.filter((p) => !/Failed to load resource|favicon/.test(p)),
      [],
    );
  });

  test('after a NoValidHost the banner says the request failed at step 7, not that a step will wait', async () => {
    const flavor = await compute<{ flavor: { id: string } }>(lab.guiUrl, 'POST', '/flavors', {
      flavor: { name: 'e2e.too-big', ram: 16384, vcpus: 1, disk: 1 },
    });
    assert.equal(flavor.status, 200, JSON.stringify(flavor.body));
    const launch = new LaunchPage(app);
    await launch.open();
    await launch.fill({ name: 'held-novalid', image: IMAGE, flavor: 'e2e.too-big', stepMode: true });
    await launch.submit();
    try {
      for (let i = 0; i < 12; i++) {
        const n = await nextHeld();
        if (n === null) break;
        await releaseAndWait(n);
      }
      assert.equal(await boot.waitForStatus(['ACTIVE', 'ERROR'], 60_000), 'ERROR');
      await app.until(() => document.querySelector('[data-testid="boot-step-7"]')?.getAttribute('data-status') === 'error', 15_000);
      // Step mode is still on, and nothing of this request is held.
      assert.ok(await app.byTestId('step-mode-toggle').isChecked());
      assert.deepEqual(await holdsNow(), []);
      // The banner follows the request within a moment; it must then say how the request ended.
      await page
        .waitForFunction(() => /failed at step/.test(document.querySelector('[data-testid="held-step"]')?.textContent ?? ''), undefined, {
          timeout: 10_000,
        })
        .catch(() => undefined);
      const banner = await boot.heldText();
      assert.doesNotMatch(banner, /Held|next step will wait/, `the banner is stale after the failure: ${banner}`);
      assert.match(banner, /failed at step 7/);
      await shot(page, 'step-mode-after-novalidhost');
    } finally {
      await labApi(lab.guiUrl, 'PUT', 'step-mode', { enabled: false }).catch(() => undefined);
    }
  });
  test('a hold in a nova-compute that is restarted leaves the banner: no hold names a process that is gone', async () => {
    const launch = new LaunchPage(app);
    await launch.open();
    await launch.fill({ name: 'held-restart', image: IMAGE, flavor: 'm1.tiny', stepMode: true });
    await launch.submit();
    try {
      let n = await nextHeld();
      while (n !== null && n < 9) {
        await releaseAndWait(n);
        n = await nextHeld();
      }
      assert.equal(n, 9, 'held in nova-compute before step 9');
      const m = /on (\S+) \(pid (\d+)\)/.exec(await boot.heldText());
      assert.ok(m, await boot.heldText());
      const [, host, pidText] = m;
      const r = await labApi(lab.guiUrl, 'POST', `services/nova-compute/restart?host=${host}`, {});
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // The old process is gone: the banner no longer says the request waits in it.
      await page.waitForFunction(
        (pid) => !(document.querySelector('[data-testid="held-step"]')?.textContent ?? '').includes(`(pid ${pid})`),
        pidText,
        { timeout: 30_000 },
      );
      const listed = (await labApi<LabServices>(lab.guiUrl, 'GET', 'services')).body.processes.flatMap((p) => [p.pid, ...p.workerPids]);
      for (const h of await holdsNow())
        assert.ok(h.holder?.pid && listed.includes(h.holder.pid), `a hold names a process the lab runs: ${JSON.stringify(h)}`);
      assert.doesNotMatch(await boot.heldText(), new RegExp(`\\(pid ${pidText}\\)`));
    } finally {
      await labApi(lab.guiUrl, 'PUT', 'step-mode', { enabled: false }).catch(() => undefined);
    }
  });
});
