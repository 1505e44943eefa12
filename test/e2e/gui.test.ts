// The GUI against a real lab (`novalab up`, real QEMU guests), as a new user would use it:
// sign in, launch from the wizard and watch the twelve steps, open the console and read the
// guest's banner, switch to 简体中文, delete. Then step mode (the request really waits), a
// NoValidHost launch explained by the scheduler view, and a nova.conf change that changes
// nova-api's process count after a restart. Screenshots go to test-results/e2e/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { type Lab } from './support/lab.js';
import path from 'node:path';
import { ARTIFACTS, shot } from './support/browser.js';
import { compute, getServer, labApi, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { OverviewPage } from './pages/overview-page.js';
import { LaunchPage } from './pages/launch-page.js';
import { BootPage } from './pages/boot-page.js';
import { ConsolePage } from './pages/console-page.js';
import { InstancesPage } from './pages/instances-page.js';
import { SchedulerPage } from './pages/scheduler-page.js';
import { ConfigPage } from './pages/config-page.js';
import { LabsPage } from './pages/labs-page.js';

const IMAGE = 'novalab-x86_64';
const FLAVOR = 'm1.tiny';
const suffix = Math.random().toString(36).slice(2, 6);

describe('novalab GUI against a real lab', { timeout: 15 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let app: AppPage;
  /** Page errors and console errors, less the browser's own note on every 4xx the GUI handles. */
  const pageProblems = () => problems.filter((p) => !/Failed to load resource|favicon/.test(p));

  before(async () => {
    ({ lab, browser, page, problems, app } = await openGuiSession({ signIn: false }));
  });

  after(() => closeGuiSession({ lab, browser }));

  test('a new user signs in, launches, watches twelve steps, opens the console, reads it in Chinese and deletes', async () => {
    await app.open();
    await shot(page, '01-sign-in');
    await app.signIn();

    const overview = new OverviewPage(app);
    await overview.open();
    await app.until(() => document.querySelectorAll('[data-testid^="host-card-"]').length > 0, 20_000);
    assert.ok((await overview.novaApiProcessCount()) >= 2, 'nova-api shows a master and its workers');
    assert.ok((await overview.hostCards()).length >= 1, 'host cards from os-hypervisors');
    await shot(page, '02-overview');

    const name = `e2e-${suffix}`;
    const launch = new LaunchPage(app);
    await launch.open();
    await launch.fill({ name, image: IMAGE, flavor: FLAVOR, stepMode: false });
    assert.match(
      await launch.cliText(),
      new RegExp(`openstack server create[\\s\\S]*--image ${IMAGE}[\\s\\S]*--flavor ${FLAVOR}[\\s\\S]*${name}`),
    );
    assert.match(await launch.curlText(), /curl -s -X POST .*\/compute\/v2\.1\/servers/);
    await shot(page, '03-launch-wizard');
    await launch.submit();

    const boot = new BootPage(app);
    const steps = await boot.waitAllDone(120_000);
    assert.equal(await boot.status(), 'ACTIVE');
    const summary = (n: number) => steps[n - 1]!.summary;
    assert.match(summary(1), /POST \/identity\/v3\/auth\/tokens/);
    assert.match(summary(2), /^201: token for admin@admin/);
    assert.match(summary(3), /POST \/v2\.1\/servers/);
    assert.match(summary(4), /os_compute_api:servers:create: allowed/);
    assert.match(summary(5), /conductor\.instance_create|nova-conductor wrote instance/);
    assert.match(summary(6), /scheduler\.select_destinations/);
    assert.match(summary(7), /chose host-/);
    assert.match(summary(8), /build_and_run_instance/);
    assert.match(summary(9), /MAC .* fixed IP/);
    assert.match(summary(10), /started qemu-system-x86_64 \(pid \d+\)/);
    assert.match(summary(11), new RegExp(`fetches image ${IMAGE}`));
    assert.match(summary(12), /→ ACTIVE/);
    assert.match(await boot.expand(10), /qemu-system-x86_64/);
    await shot(page, '04-boot-walkthrough');
    const serverId = await boot.serverId();
    assert.ok(serverId, 'the walkthrough names the server');
    assert.equal((await getServer(lab.guiUrl, serverId))?.status, 'ACTIVE');

    await boot.openConsole();
    const consolePage = new ConsolePage(app);
    await consolePage.waitConnected();
    await consolePage.showLog();
    const log = await consolePage.waitForLogText('novalab login:', 90_000);
    assert.match(log, new RegExp(`novalab login: ${name}`));
    await consolePage.showScreen();
    await page.waitForTimeout(1000);
    const canvas = consolePage.canvas();
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, 'the guest screen is drawn');
    await shot(page, '05-console');
    await canvas.screenshot({ path: path.join(ARTIFACTS, '05-console-canvas.png') });
    const flow = await consolePage.flowStatuses();
    assert.equal(flow.length, 14);
    assert.equal(flow[12], 'done', 'step 13: nova-novncproxy relays to the VNC server');

    await app.setLanguage('zh-CN');
    assert.equal(await app.navText('overview'), '总览');
    assert.equal(await app.navText('console'), '控制台');
    await consolePage.showLog();
    await shot(page, '06-console-zh');
    await app.goTo('boot', serverId);
    await boot.waitAllDone(30_000);
    // The Nova record is an instance (实例); the course's heading says 虚拟机 for the same flow.
    assert.match(await page.locator('h2').first().innerText(), /实例创建流程/);
    assert.match(await app.byTestId('boot-step-1').innerText(), /凭证发送到 Keystone/);
    assert.match(await app.byTestId('boot-step-7').innerText(), /过滤与权重计算/);
    await shot(page, '07-boot-zh');
    await app.goTo('scheduler', serverId);
    await app.byTestId('scheduler-filter-table').waitFor();
    assert.match(await page.locator('h2').first().innerText(), /调度器/);
    await overview.open();
    assert.match(await page.locator('h2').first().innerText(), /总览/);
    await shot(page, '08-overview-zh');

    // The choice is remembered: a reload (which signs out) comes back in Chinese.
    await page.reload();
    assert.match(await app.byTestId('signin-submit').innerText(), /登录/);
    await app.signIn();
    await app.setLanguage('en');

    const instances = new InstancesPage(app);
    await instances.open();
    await instances.row(name).waitFor();
    await instances.delete(name);
    await instances.waitGone(name);
    await waitFor('the server to be gone', async () => (await getServer(lab.guiUrl, serverId)) === null, 60_000);
    await shot(page, '09-instances-after-delete');
    assert.deepEqual(pageProblems(), []);
  });

  test('step mode holds the real request: the instance stays in BUILD until Next', async () => {
    const name = `e2e-step-${suffix}`;
    const launch = new LaunchPage(app);
    await launch.open();
    await launch.fill({ name, image: IMAGE, flavor: FLAVOR, stepMode: true });
    await launch.submit();
    const boot = new BootPage(app);
    const heldSeen: number[] = [];
    let buildChecks = 0;
    try {
      for (let i = 0; i < 20; i++) {
        await app.until(() => {
          const held = document.querySelector('[data-testid="boot-timeline"] > li[data-status="held"]');
          const status = document.querySelector('[data-testid="boot-status"]')?.textContent;
          return held || status === 'ACTIVE' || status === 'ERROR';
        }, 60_000);
        const held = await boot.heldStep();
        if (held === null) break;
        heldSeen.push(held);
        if (heldSeen.length === 1) await shot(page, '10-step-mode-held');
        assert.match(await boot.heldText(), new RegExp(`step ${held}`));
        const id = await boot.serverId();
        if (id) {
          // Held for real: nothing moves on while the learner reads.
          await page.waitForTimeout(1500);
          const server = await getServer(lab.guiUrl, id);
          assert.equal(server?.status, 'BUILD', `held before step ${held}, the server is ${server?.status}`);
          assert.equal(await boot.heldStep(), held, 'still held at the same step');
          buildChecks++;
        }
        await boot.next();
        await page.waitForFunction(
          (h) => document.querySelector(`[data-testid="boot-step-${h}"]`)?.getAttribute('data-status') !== 'held',
          held,
          { timeout: 15_000 },
        );
      }
      assert.equal(await boot.waitForStatus(['ACTIVE', 'ERROR'], 90_000), 'ACTIVE');
      await boot.waitAllDone(30_000);
    } finally {
      await labApi(lab.guiUrl, 'PUT', 'step-mode', { enabled: false }).catch(() => undefined);
    }
    assert.ok(heldSeen.includes(3) && heldSeen.includes(7) && heldSeen.includes(10), `held steps: ${heldSeen.join(', ')}`);
    assert.ok(buildChecks >= 3, `checked BUILD while held ${buildChecks} times`);
    await shot(page, '11-step-mode-done');
    const id = (await boot.serverId())!;
    await compute(lab.guiUrl, 'DELETE', `/servers/${id}`);
  });

  test("NoValidHost: the scheduler view names the filter that emptied the list and each host's reason", async () => {
    const flavorName = `e2e.huge-${suffix}`;
    const created = await compute<{ flavor: { id: string } }>(lab.guiUrl, 'POST', '/flavors', {
      flavor: { name: flavorName, ram: 16384, vcpus: 1, disk: 1 },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const name = `e2e-novalid-${suffix}`;
    const launch = new LaunchPage(app);
    await launch.open();
    await launch.fill({ name, image: IMAGE, flavor: flavorName, stepMode: false });
    await launch.submit();
    const boot = new BootPage(app);
    assert.equal(await boot.waitForStatus(['ACTIVE', 'ERROR'], 60_000), 'ERROR');
    await app.until(() => document.querySelector('[data-testid="boot-step-7"]')?.getAttribute('data-status') === 'error', 15_000);
    assert.match(await app.byTestId('boot-fault').innerText(), /No valid host was found/);
    await shot(page, '12-novalidhost-boot');
    const serverId = (await boot.serverId())!;

    const scheduler = new SchedulerPage(app);
    await scheduler.open(serverId);
    assert.ok(await scheduler.hasNoValidHost());
    const columns = await scheduler.filterColumns();
    const emptied = columns.filter((c) => c.emptied).map((c) => c.name);
    assert.deepEqual(emptied, ['RamFilter']);
    assert.match(await scheduler.emptiedByText(), /RamFilter/);
    const ram = await scheduler.column('RamFilter');
    const hosts = Object.keys(ram);
    assert.ok(hosts.length >= 2, `hosts in the table: ${hosts.join(', ')}`);
    for (const host of hosts) {
      assert.equal(ram[host]!.result, 'reject', `${host} is rejected by RamFilter`);
      assert.match(ram[host]!.text, /\d/, `${host} has a reason with figures: ${ram[host]!.text}`);
    }
    await shot(page, '13-novalidhost-scheduler');
    await compute(lab.guiUrl, 'DELETE', `/servers/${serverId}`);
    await compute(lab.guiUrl, 'DELETE', `/flavors/${created.body.flavor.id}`);
  });

  test("osapi_compute_workers in the configuration screen changes nova-api's process count after a restart", async () => {
    const overview = new OverviewPage(app);
    await overview.open();
    const before = await overview.novaApiProcessCount();

    const config = new ConfigPage(app);
    await config.open();
    const workers = Number(await config.value('osapi_compute_workers'));
    const metadata = Number(await config.value('metadata_workers'));
    const ec2 = Number(await config.value('ec2_workers'));
    assert.equal(before, 1 + workers + metadata + ec2, 'nova-api = 1 master + osapi + metadata + ec2 workers');

    await config.set('osapi_compute_workers', '0');
    await config.save();
    assert.match(await config.errorsText(), /osapi_compute_workers.*>= 1/);
    await shot(page, '14-config-invalid');

    const wanted = workers === 1 ? 2 : 1;
    await config.set('osapi_compute_workers', String(wanted));
    await config.save();
    await app.byTestId('conf-restart-nova-api').waitFor();
    const counts = await config.restart('nova-api');
    assert.equal(counts.before, before);
    assert.equal(counts.after, 1 + wanted + metadata + ec2);
    await shot(page, '15-config-restarted');

    await overview.open();
    await app.until(() => document.querySelector('[data-testid="process-count-nova-api"]')?.textContent !== '0', 15_000);
    assert.equal(await overview.novaApiProcessCount(), counts.after);

    const labs = new LabsPage(app);
    await labs.open();
    await labs.answer('count-nova-api', String(counts.after));
    await labs.waitDone('count-nova-api');
    await labs.waitDone('set-workers', 20_000).catch(() => undefined);
    await shot(page, '16-labs');
    assert.deepEqual(pageProblems(), []);
  });
});
