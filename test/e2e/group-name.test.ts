// Issue 14, "group shown by UUID": the scheduler view explains an anti-affinity rejection with
// the group's name, the name the learner gave it, and its id beside it. A lab with the fake
// driver (no guest is needed) and ServerGroupAntiAffinityFilter on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { renderDefaultNovaConf } from '../../backend/config/nova-conf.js';
import { DEFAULT_FILTERS } from '../../contract/scheduler-names.js';
import { startLab, type Lab } from './support/lab.js';
import { launchBrowser, newPage, shot } from './support/browser.js';
import { adminToken, compute, getServer, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { SchedulerPage } from './pages/scheduler-page.js';

function antiAffinityConf(): string {
  const filters = [...DEFAULT_FILTERS, 'ServerGroupAntiAffinityFilter'].join(',');
  return renderDefaultNovaConf()
    .replace(/^#compute_driver = .*$/m, (l) => `${l}\ncompute_driver = fake`)
    .replace(/^#scheduler_default_filters = .*$/m, (l) => `${l}\nscheduler_default_filters = ${filters}`);
}

describe('server groups by name', { timeout: 5 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let app: AppPage;

  before(async () => {
    lab = await startLab({ novaConf: antiAffinityConf() });
    browser = await launchBrowser();
    ({ page } = await newPage(browser));
    app = new AppPage(page, lab.guiUrl);
    await app.open();
    await app.signIn();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (lab) {
      const { leftovers } = await lab.stop();
      assert.deepEqual(leftovers, [], `processes outlived the lab: ${leftovers.join(', ')}`);
    }
  });

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
});
