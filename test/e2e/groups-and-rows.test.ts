// Two small items of issue 14, against one lab with the fake driver (no guest is needed) and
// ServerGroupAntiAffinityFilter on. "Group shown by UUID": the scheduler view explains an
// anti-affinity rejection with the group's name, the name the learner gave it, its id beside
// it. "Ten wrapping buttons per instance row, all disabled while one instance reboots": a row
// has one action chooser, and while one instance's reboot is on its way the other rows stay
// usable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { renderDefaultNovaConf } from '../../backend/config/nova-conf.js';
import { DEFAULT_FILTERS } from '../../contract/scheduler-names.js';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken, compute, getServer, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { InstancesPage } from './pages/instances-page.js';
import { SchedulerPage } from './pages/scheduler-page.js';

function antiAffinityConf(): string {
  const filters = [...DEFAULT_FILTERS, 'ServerGroupAntiAffinityFilter'].join(',');
  return renderDefaultNovaConf()
    .replace(/^#compute_driver = .*$/m, (l) => `${l}\ncompute_driver = fake`)
    .replace(/^#scheduler_default_filters = .*$/m, (l) => `${l}\nscheduler_default_filters = ${filters}`);
}

describe('server groups by name, instance rows one by one', { timeout: 5 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let app: AppPage;

  before(async () => {
    ({ lab, browser, page, app } = await openGuiSession({ novaConf: antiAffinityConf() }));
  });

  after(() => closeGuiSession({ lab, browser }));

  test('the scheduler view names the anti-affinity group "web" when it rejects a host, its id beside the name', async () => {
    const token = await adminToken(lab.guiUrl);
    const images = (await (
      await fetch(new URL('image/v2/images?name=novalab-x86_64', lab.guiUrl), { headers: { 'X-Auth-Token': token } })
    ).json()) as { images: { id: string }[] };
    const group = await compute<{ server_group: { id: string } }>(lab.guiUrl, 'POST', '/os-server-groups', {
      server_group: { name: 'web', policy: 'anti-affinity' },
    });
    assert.equal(group.status, 200, JSON.stringify(group.body));
    const groupId = group.body.server_group.id;
    const boot = async (name: string) => {
      const r = await compute<{ server: { id: string } }>(lab.guiUrl, 'POST', '/servers', {
        server: { name, imageRef: images.images[0]!.id, flavorRef: '1', networks: 'none' },
        'os:scheduler_hints': { group: groupId },
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      return waitFor(`${name} to be ACTIVE`, async () => {
        const s = (await getServer(lab.guiUrl, r.body.server.id)) as (Record<string, unknown> & { id: string; status: string }) | null;
        return s?.status === 'ACTIVE' ? s : null;
      });
    };
    const first = await boot('web-1');
    const second = await boot('web-2');
    const taken = String(first['OS-EXT-SRV-ATTR:host']);

    const scheduler = new SchedulerPage(app);
    await scheduler.open(second.id);
    const column = await scheduler.column('ServerGroupAntiAffinityFilter');
    const cell = column[taken];
    assert.ok(cell, `a cell for ${taken}: ${JSON.stringify(column)}`);
    assert.notEqual(cell.result, 'pass');
    assert.ok(cell.text.includes(`server group web (${groupId})`), cell.text);
    await shot(page, 'group-name-scheduler');
  });

  test('while one instance reboots, the other rows keep their chooser: one per row, not a wall of buttons', async () => {
    const instances = new InstancesPage(app);
    await instances.open();
    await instances.waitStatus('web-1', 'ACTIVE');
    await instances.waitStatus('web-2', 'ACTIVE');
    const [a, b] = ['web-1', 'web-2'];
    const aId = (await compute<{ servers: { id: string; name: string }[] }>(lab.guiUrl, 'GET', '/servers')).body.servers.find(
      (s) => s.name === a,
    )!.id;
    // Hold the reboot request of the first instance on its way for a while (the fake driver
    // would reboot it at once), as a slow real reboot would.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let passed!: () => void;
    const through = new Promise<void>((r) => (passed = r));
    await page.route(
      `**/compute/v2.1/servers/${aId}/action`,
      async (route) => {
        await held;
        await route.continue();
        passed();
      },
      { times: 1 },
    );
    try {
      await instances.run(a, 'reboot');
      await page.waitForFunction((n) => (document.querySelector(`[data-testid="instance-action-${n}"]`) as HTMLSelectElement)?.disabled, a);
      assert.equal(await app.byTestId(`instance-action-${b}`).isEnabled(), true, `${b}'s chooser stays usable`);
      assert.equal(await app.byTestId(`instance-delete-${b}`).isEnabled(), true, `${b}'s delete stays usable`);
      const offered = await instances.offeredActions(b);
      assert.ok(offered.includes('reboot') && offered.includes('os-stop'), offered.join(', '));
      // One chooser per row; its buttons are the name and delete (apply comes with a choice).
      assert.equal(await instances.row(b).locator('select').count(), 1);
      assert.ok((await instances.row(b).locator('button').count()) <= 2, 'no wall of buttons');
      await shot(page, 'rows-one-rebooting');
    } finally {
      release();
    }
    await through;
    await page.waitForFunction((n) => !(document.querySelector(`[data-testid="instance-action-${n}"]`) as HTMLSelectElement)?.disabled, a);
  });
});
