// Issue 14: what the GUI tells a learner is what the lab really does. Against a lab with the
// fake driver (no guest is needed here) and the default topology, whose host-d runs aarch64
// only: the anti-affinity lab accepts the number of members the group really placed (3, not
// the 4 hosts that are up) and says so when an answer is wrong, keeping what was typed; and a
// save in Configuration changes only the saved option's line of nova.conf, its comments kept,
// with an invalid value marked at its field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { renderDefaultNovaConf } from '../../backend/config/nova-conf.js';
import { DEFAULT_FILTERS } from '../../contract/scheduler-names.js';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken, compute, getServer, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { ConfigPage } from './pages/config-page.js';
import { LabsPage } from './pages/labs-page.js';

/** The lab's own commented nova.conf, with the fake driver and the anti-affinity filter on. */
function fakeDriverConf(): string {
  const filters = [...DEFAULT_FILTERS, 'ServerGroupAntiAffinityFilter'].join(',');
  return renderDefaultNovaConf()
    .replace(/^#compute_driver = .*$/m, (l) => `${l}\ncompute_driver = fake`)
    .replace(/^#scheduler_default_filters = .*$/m, (l) => `${l}\nscheduler_default_filters = ${filters}`);
}

describe('the GUI teaches what the lab really does', { timeout: 10 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let app: AppPage;
  const confFile = () => path.join(lab.stateDir, 'nova.conf');

  before(async () => {
    ({ lab, browser, page, app } = await openGuiSession({ novaConf: fakeDriverConf() }));
  });

  after(() => closeGuiSession({ lab, browser }));

  test('anti-affinity: the lab accepts the 3 members the group placed (host-d is aarch64-only), and "4" is told it is wrong', async () => {
    const token = await adminToken(lab.guiUrl);
    const images = (await (
      await fetch(new URL('image/v2/images?name=novalab-x86_64', lab.guiUrl), { headers: { 'X-Auth-Token': token } })
    ).json()) as { images: { id: string }[] };
    const imageRef = images.images[0]!.id;
    const group = await compute<{ server_group: { id: string } }>(lab.guiUrl, 'POST', '/os-server-groups', {
      server_group: { name: 'web', policy: 'anti-affinity' },
    });
    assert.equal(group.status, 200, JSON.stringify(group.body));
    const statuses: string[] = [];
    const hosts: string[] = [];
    // One at a time, as the lab's steps ask: launch members until one is refused.
    for (let i = 1; i <= 5 && !statuses.includes('ERROR'); i++) {
      const r = await compute<{ server: { id: string } }>(lab.guiUrl, 'POST', '/servers', {
        server: { name: `web-${i}`, imageRef, flavorRef: '1', networks: 'none' },
        'os:scheduler_hints': { group: group.body.server_group.id },
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const s = await waitFor(
        `web-${i} to settle`,
        async () => {
          const v = (await getServer(lab.guiUrl, r.body.server.id)) as (Record<string, unknown> & { status: string }) | null;
          return v && ['ACTIVE', 'ERROR'].includes(v.status) ? v : null;
        },
        60_000,
      );
      statuses.push(s.status);
      if (s.status === 'ACTIVE') hosts.push(String(s['OS-EXT-SRV-ATTR:host']));
    }
    // What the lab really did: three hosts run x86_64, host-d does not.
    assert.deepEqual(statuses, ['ACTIVE', 'ACTIVE', 'ACTIVE', 'ERROR']);
    assert.deepEqual([...hosts].sort(), ['host-a', 'host-b', 'host-c']);

    const labs = new LabsPage(app);
    await labs.open();
    await labs.answer('run-out', '4');
    const feedback = app.byTestId('lab-feedback-run-out');
    await feedback.waitFor({ timeout: 20_000 });
    assert.equal(await feedback.getAttribute('data-verdict'), 'wrong');
    assert.match(await feedback.innerText(), /^4 is not what the lab shows/);
    assert.equal(await app.byTestId('lab-step-run-out').getAttribute('data-done'), 'false');
    await shot(page, 'truthful-01-lab-wrong-answer');

    // The typed answer survives a visit to the screen the step links to.
    await app.goTo('overview');
    await labs.open();
    assert.equal(await app.byTestId('lab-answer-run-out').inputValue(), '4');

    // In Chinese the feedback is Chinese.
    await app.setLanguage('zh-CN');
    assert.match(await feedback.innerText(), /^4 与实验环境的实际结果不符/);
    await app.setLanguage('en');

    await labs.answer('run-out', '3');
    await labs.waitDone('run-out');
    assert.equal(await feedback.count(), 0, 'no feedback once the step is done');
    await shot(page, 'truthful-02-lab-right-answer');
  });

  test('Configuration: one save changes only that option line of nova.conf; comments stay; an invalid value is marked at its field', async () => {
    const before = fs.readFileSync(confFile(), 'utf8');
    const comments = before.split('\n').filter((l) => l.startsWith('#'));
    assert.ok(comments.length > 50, 'the lab wrote its commented defaults');

    const config = new ConfigPage(app);
    await config.open();
    const workers = await config.value('osapi_compute_workers');
    await config.set('osapi_compute_workers', '0');
    await config.save();
    const field = app.byTestId('conf-field-error-osapi_compute_workers');
    await field.waitFor({ timeout: 10_000 });
    assert.match(await field.innerText(), /osapi_compute_workers = 0: must be >= 1/);
    assert.equal(await app.byTestId('option-osapi_compute_workers').getAttribute('data-invalid'), 'true');
    assert.equal(fs.readFileSync(confFile(), 'utf8'), before, 'an invalid save writes nothing');
    await shot(page, 'truthful-03-config-invalid-field');

    await config.set('osapi_compute_workers', workers);
    await config.set('cpu_allocation_ratio', '8');
    await config.save();
    await app.byTestId('conf-restart-nova-compute').waitFor({ timeout: 15_000 });
    assert.equal(await app.byTestId('conf-field-error-osapi_compute_workers').count(), 0);

    const after = fs.readFileSync(confFile(), 'utf8');
    const a = before.split('\n');
    const b = after.split('\n');
    assert.deepEqual(
      b.filter((l) => !a.includes(l)).map((l) => l.replace(/\s+/g, '')),
      ['cpu_allocation_ratio=8'],
      'the one saved option is the one new line',
    );
    assert.deepEqual(
      a.filter((l) => !b.includes(l)),
      [],
      'no line of the file was lost',
    );
    const at = b.findIndex((l) => /^cpu_allocation_ratio\s*=/.test(l));
    assert.match(b[at - 1]!, /^#cpu_allocation_ratio = /, 'written under its commented default');
    assert.equal(b.length, a.length + 1);
  });
});
