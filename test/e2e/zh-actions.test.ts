// Issue 14, point 5: what the services say while they act on an instance after its boot, and
// the lab's own lines, in the learner's language. A lab with the fake driver and two hosts (cheap),
// the GUI in 简体中文: stop, start, reboot, resize + confirm, rebuild, a snapshot and a resize no
// host can take (its refusal is a fault by code) from the Instances screen, step mode on and off, nova-scheduler restarted from the process table and a
// nova-api worker killed; then every screen that shows these (the instance's history with each
// action's event lines, its boot walkthrough, the resize decision, the overview's service
// events) is opened in full and must hold no English prose: Latin only in names, ids, units,
// commands and raw data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import type { LabServices } from '../../contract/lab-api.js';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken, compute, getServer, labApi, waitFor } from './support/api.js';
import { findEnglishProse, formatReport, type TextSample } from './support/english-prose.js';
import { expandAll, labNames, visibleText } from './support/zh-screens.js';
import { AppPage } from './pages/app-page.js';
import { BootPage } from './pages/boot-page.js';
import { InstancesPage } from './pages/instances-page.js';
import { HealthPage } from './pages/health-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { topologyFile } from '../../harness/lab-process.js';

const NAME = 'zh-act';
const SNAPSHOT = 'zh-act-snap';
const CJK = /[\u4e00-\u9fff]/;

interface Action {
  action: string;
  request_id: string;
}

describe('instance actions and service events in 简体中文', { timeout: 8 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let app: AppPage;
  let instances: InstancesPage;
  let serverId = '';
  const samples: TextSample[] = [];

  const collect = async (screen: string) => {
    await expandAll(page);
    samples.push(...(await visibleText(page, screen)));
    await shot(page, `zh-actions-${screen.replace(/[^\w-]+/g, '_')}`);
  };
  const actions = async () =>
    (await compute<{ instanceActions: Action[] }>(lab.guiUrl, 'GET', `/servers/${serverId}/os-instance-actions`)).body.instanceActions;
  /** Nova has recorded `action` and the server is `status` with no task under way. */
  const settled = (action: string, status: string) =>
    waitFor(
      `${action} to leave ${NAME} ${status}`,
      async () => {
        const s = (await getServer(lab.guiUrl, serverId)) as { status: string; 'OS-EXT-STS:task_state'?: string | null } | null;
        return s?.status === status && !s['OS-EXT-STS:task_state'] && (await actions()).some((a) => a.action === action) ? s : null;
      },
      60_000,
    );
  const glanceImage = async (name: string) => {
    const r = await fetch(new URL(`image/v2/images?name=${encodeURIComponent(name)}`, lab.guiUrl), {
      headers: { 'X-Auth-Token': await adminToken(lab.guiUrl) },
    });
    return ((await r.json()) as { images: { id: string; status: string }[] }).images[0] ?? null;
  };

  before(async () => {
    const topology = topologyFile([
      { name: 'host-a', vcpus: 8, memory_mb: 8192 },
      { name: 'host-b', vcpus: 8, memory_mb: 8192 },
    ]);
    ({ lab, browser, page, app } = await openGuiSession({
      novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${topology}\n`,
    }));
    instances = new InstancesPage(app);
    await app.setLanguage('zh-CN');
  });

  after(() => closeGuiSession({ lab, browser }));

  test('after stop, start, reboot, resize, rebuild, a snapshot, step mode, a restart and a crash, no screen speaks English', async () => {
    const image = (await glanceImage('novalab-x86_64'))!;
    // A flavor no host fits (each has 8 GB, × 1.5) within the project's RAM quota: a resize nova-conductor must refuse (NoValidHost).
    const huge = await compute<{ flavor: { id: string } }>(lab.guiUrl, 'POST', '/flavors', {
      flavor: { name: 'zh.huge', ram: 20480, vcpus: 1, disk: 2 },
    });
    assert.equal(huge.status, 200, JSON.stringify(huge.body));
    const created = await compute<{ server: { id: string } }>(lab.guiUrl, 'POST', '/servers', {
      server: { name: NAME, imageRef: image.id, flavorRef: '1', networks: 'none' },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    serverId = created.body.server.id;
    await instances.open();
    await instances.waitStatus(NAME, 'ACTIVE');

    // The actions, from the Instances screen, each until Nova says it is done.
    await instances.run(NAME, 'os-stop');
    await settled('stop', 'SHUTOFF');
    await instances.waitStatus(NAME, 'SHUTOFF');
    await instances.run(NAME, 'os-start');
    await settled('start', 'ACTIVE');
    await instances.waitStatus(NAME, 'ACTIVE');
    await instances.run(NAME, 'reboot');
    await settled('reboot', 'ACTIVE');
    await instances.waitStatus(NAME, 'ACTIVE');
    const from = (await getServer(lab.guiUrl, serverId)) as unknown as { 'OS-EXT-SRV-ATTR:host': string };
    await instances.choose(NAME, 'resize');
    await instances.param(NAME, '2');
    await instances.apply(NAME);
    await settled('resize', 'VERIFY_RESIZE');
    await instances.waitStatus(NAME, 'VERIFY_RESIZE');
    await instances.run(NAME, 'confirmResize');
    const resized = (await settled('confirmResize', 'ACTIVE')) as unknown as { 'OS-EXT-SRV-ATTR:host': string };
    const to = resized['OS-EXT-SRV-ATTR:host'];
    assert.notEqual(to, from['OS-EXT-SRV-ATTR:host'], 'the resize moved the instance (allow_resize_to_same_host is False)');
    await instances.waitStatus(NAME, 'ACTIVE');
    await instances.choose(NAME, 'rebuild');
    await instances.param(NAME, image.id);
    await instances.apply(NAME);
    await settled('rebuild', 'ACTIVE');
    await instances.waitStatus(NAME, 'ACTIVE');
    await instances.choose(NAME, 'createImage');
    await instances.fill(NAME, SNAPSHOT);
    await instances.apply(NAME);
    const snapshot = await waitFor('the snapshot image to be active', async () => {
      const i = await glanceImage(SNAPSHOT);
      return i?.status === 'active' ? i : null;
    });

    // A resize no host can take: refused, the instance stays ACTIVE with the reason as its fault.
    await instances.choose(NAME, 'resize');
    await instances.param(NAME, huge.body.flavor.id);
    await instances.apply(NAME);
    const refused = await waitFor('the second resize to be refused', async () => {
      const resizes = (await actions()).filter((a) => a.action === 'resize');
      if (resizes.length < 2) return null;
      const { body } = await compute<{ instanceAction: { events: { event: string; result: string | null }[] } }>(
        lab.guiUrl,
        'GET',
        `/servers/${serverId}/os-instance-actions/${resizes[0]!.request_id}`,
      );
      return body.instanceAction.events.some((e) => e.result === 'Error') ? { resizes } : null;
    });
    await settled('resize', 'ACTIVE');
    const [secondResize, firstResize] = refused.resizes.map((a) => a.request_id);

    // Step mode on and off, from the instance's walkthrough.
    await app.goTo('boot', serverId);
    await app.byTestId('boot-timeline').waitFor();
    const boot = new BootPage(app);
    await boot.setStepMode(true);
    await boot.setStepMode(false);

    // nova-scheduler restarted from the process table; a nova-api worker killed.
    const health = new HealthPage(app);
    await health.open();
    const { body: services } = await labApi<LabServices>(lab.guiUrl, 'GET', 'services');
    const scheduler = services.processes.find((p) => p.binary === 'nova-scheduler')!;
    await app.byTestId(`process-restart-nova-scheduler-${scheduler.host}`).click();
    await app.byTestId(`process-restart-result-nova-scheduler-${scheduler.host}`).waitFor({ timeout: 60_000 });
    const worker = services.processes.find((p) => p.binary === 'nova-api')!.workerPids[0]!;
    process.kill(worker, 'SIGKILL');
    await page.locator('[data-testid="service-event"][data-event="crash"][data-service="nova-api"]').first().waitFor({ timeout: 30_000 });
    await collect('overview (restart, crash)');

    // The instance's history: each action's event lines, in Chinese, with the lab's real data.
    await instances.open();
    await app.byTestId(`instance-select-${NAME}`).click();
    await app.byTestId('instance-history').waitFor();
    const recorded = (await actions()).map((a) => a.action);
    for (const a of ['stop', 'start', 'reboot', 'resize', 'confirmResize', 'rebuild', 'createImage']) {
      assert.ok(recorded.includes(a), `Nova recorded ${a}: ${recorded.join(', ')}`);
      await app.byTestId(`history-lines-${a}`).first().waitFor({ timeout: 30_000 });
    }
    await expandAll(page);
    const linesOf = (a: string, request?: string) =>
      page.locator(`[data-testid="history-lines-${a}"]${request ? `[data-request-id="${request}"]` : ''}`).innerText();
    const snapLines = await linesOf('createImage');
    assert.ok(snapLines.includes(snapshot.id) && CJK.test(snapLines), `the snapshot's lines name its image, in Chinese: ${snapLines}`);
    const faultLine = await page
      .locator(`[data-testid="history-lines-resize"][data-request-id="${secondResize}"] [data-testid="history-line"][data-kind="fault"]`)
      .innerText();
    assert.ok(faultLine.includes('没有找到有效主机') && faultLine.includes('RamFilter'), `the refusal by code, in Chinese: ${faultLine}`);
    const resizeLines = await linesOf('resize', firstResize);
    assert.ok(resizeLines.includes(to) && CJK.test(resizeLines), `the resize's lines name where it went, in Chinese: ${resizeLines}`);
    await collect('instances (+ history of every action)');

    await app.goTo('boot', serverId);
    await app.byTestId('boot-timeline').waitFor();
    await page.waitForTimeout(1500);
    await collect('boot (by id, after the actions)');

    await app.goTo('scheduler', serverId, firstResize!);
    await app.byTestId('scheduler-trace').first().waitFor({ timeout: 15_000 });
    await collect('scheduler (resize decision)');

    const prose = findEnglishProse(samples, await labNames(lab.guiUrl));
    assert.ok(samples.length > 200, `the sweep saw the screens (${samples.length} text nodes)`);
    assert.equal(prose.length, 0, `English prose in 简体中文:\n${formatReport(prose)}`);
  });
});
