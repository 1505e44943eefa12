// The walkthrough after the first boot (headless Chromium, fake driver, two hosts): a resize
// schedules the instance again; the walkthrough lists that scheduling with the new host, even
// after a reload, and its link opens that decision in the scheduler view, labelled resize.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken, compute, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { BootPage } from './pages/boot-page.js';
import { SchedulerPage } from './pages/scheduler-page.js';
import { topologyFile } from '../../harness/lab-process.js';

interface Server {
  id: string;
  status: string;
  flavor: { original_name: string };
  'OS-EXT-SRV-ATTR:host': string | null;
}

describe('later scheduling in the walkthrough', { timeout: 10 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let app: AppPage;

  const server = async (id: string) => (await compute<{ server: Server }>(lab.guiUrl, 'GET', `/servers/${id}`)).body.server;
  const settled = (id: string, status: string) =>
    waitFor(`${id} to be ${status}`, async () => {
      const s = await server(id);
      return s.status === status ? s : null;
    });
  const action = async (id: string, body: unknown, status = 202) => {
    const r = await compute(lab.guiUrl, 'POST', `/servers/${id}/action`, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
  };

  before(async () => {
    const topology = topologyFile([
      { name: 'host-a', vcpus: 8, memory_mb: 8192, architectures: ['x86_64', 'aarch64'] },
      { name: 'host-b', vcpus: 8, memory_mb: 8192, architectures: ['x86_64', 'aarch64'] },
    ]);
    ({ lab, browser, page, problems, app } = await openGuiSession({
      novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${topology}\n`,
    }));
  });

  after(() => closeGuiSession({ lab, browser }));

  test('a confirmed resize is listed after the boot steps with its new host, and opens its decision labelled resize', async () => {
    const images = await fetch(new URL('image/v2/images?name=novalab-x86_64', lab.guiUrl), {
      headers: { 'X-Auth-Token': await adminToken(lab.guiUrl) },
    });
    const image = ((await images.json()) as { images: { id: string }[] }).images[0]?.id;
    assert.ok(image, 'the lab has its x86_64 image');
    const created = await compute<{ server: { id: string } }>(lab.guiUrl, 'POST', '/servers', {
      server: { name: 'walk-resize', imageRef: image, flavorRef: '1', networks: 'none' },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const id = created.body.server.id;
    const first = await settled(id, 'ACTIVE');
    const oldHost = first['OS-EXT-SRV-ATTR:host'];
    assert.ok(oldHost);

    const boot = new BootPage(app);
    await app.goTo('boot', id);
    await boot.waitAllDone();
    assert.equal(await app.byTestId('later-scheduling').count(), 0, 'nothing listed before any later scheduling');

    await action(id, { resize: { flavorRef: '2' } });
    await settled(id, 'VERIFY_RESIZE');
    await action(id, { confirmResize: null }, 204);
    const resized = await settled(id, 'ACTIVE');
    assert.equal(resized.flavor.original_name, 'm1.small');
    const newHost = resized['OS-EXT-SRV-ATTR:host'];
    assert.ok(newHost && newHost !== oldHost, `moved off ${oldHost} (allow_resize_to_same_host is off)`);

    // The open walkthrough picks it up while it is shown…
    const live = await boot.laterEntries('resize', 30_000);
    assert.deepEqual(
      live.map((e) => [e.kind, e.host]),
      [['resize', newHost]],
    );
    // …and it is still there after a reload: it comes from the saved traces, not from events.
    await page.reload();
    await app.signIn();
    await app.goTo('boot', id);
    const entries = await boot.laterEntries('resize');
    assert.deepEqual(
      entries.map((e) => [e.kind, e.host]),
      [['resize', newHost]],
    );
    assert.match(entries[0]!.text, new RegExp(newHost));
    await shot(page, 'walkthrough-later-scheduling', { fullPage: true });

    await boot.openLaterDecision('resize');
    const decision = await new SchedulerPage(app).focusedTrace();
    assert.equal(decision.kind, 'resize');
    assert.match(decision.label, /resize/);
    assert.match(decision.chosen, new RegExp(newHost));
    assert.deepEqual(problems, []);
  });
});
