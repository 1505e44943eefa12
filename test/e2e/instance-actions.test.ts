// What a student does after the first boot, from the Instances screen (headless Chromium, a lab
// with the fake driver and two hosts, so it is cheap): the chooser offers what Nova accepts in
// each state, and snapshot, resize with confirm and revert, cold migrate, rebuild, rescue and
// shelve each change what the compute API then reports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken, compute, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { InstancesPage } from './pages/instances-page.js';
import { topologyFile } from '../../harness/lab-process.js';

interface Server {
  id: string;
  name: string;
  status: string;
  flavor: { original_name: string };
  image: { id: string } | '';
  'OS-EXT-SRV-ATTR:host': string | null;
}

describe('instance actions from the GUI', { timeout: 10 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let app: AppPage;
  let instances: InstancesPage;

  const server = async (name: string): Promise<Server> => {
    const r = await compute<{ servers: Server[] }>(lab.guiUrl, 'GET', `/servers/detail?name=^${name}$`);
    const s = r.body.servers[0];
    assert.ok(s, `server ${name} listed`);
    return s;
  };
  const settled = (name: string, status: string) =>
    waitFor(`${name} to be ${status}`, async () => ((await server(name)).status === status ? server(name) : null), 60_000);
  const glance = async <T>(path: string): Promise<T> => {
    const r = await fetch(new URL(`image/v2${path}`, lab.guiUrl), { headers: { 'X-Auth-Token': await adminToken(lab.guiUrl) } });
    assert.equal(r.status, 200, `GET ${path}`);
    return (await r.json()) as T;
  };
  const imageId = async (name: string) =>
    (await glance<{ images: { id: string; name: string }[] }>(`/images?name=${encodeURIComponent(name)}`)).images.find(
      (i) => i.name === name,
    )?.id;
  const boot = async (name: string) => {
    const image = await imageId('novalab-x86_64');
    const r = await compute(lab.guiUrl, 'POST', '/servers', {
      server: { name, imageRef: image, flavorRef: '1', networks: 'none' },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const s = await settled(name, 'ACTIVE');
    await instances.waitStatus(name, 'ACTIVE');
    return s;
  };

  before(async () => {
    const topology = topologyFile([
      { name: 'host-a', vcpus: 8, memory_mb: 8192, architectures: ['x86_64', 'aarch64'] },
      { name: 'host-b', vcpus: 8, memory_mb: 8192, architectures: ['x86_64', 'aarch64'] },
    ]);
    ({ lab, browser, page, problems, app } = await openGuiSession({
      novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${topology}\n`,
    }));
    instances = new InstancesPage(app);
    await instances.open();
  });

  after(() => closeGuiSession({ lab, browser }));

  test('the chooser offers what Nova accepts: snapshot, resize, migrate… when ACTIVE, only unpause and friends when PAUSED', async () => {
    await boot('act-state');
    const offered = await instances.offeredActions('act-state');
    for (const a of ['createImage', 'resize', 'migrate', 'rebuild', 'rescue', 'shelve', 'os-stop', 'pause'])
      assert.ok(offered.includes(a), `${a} offered when ACTIVE: ${offered.join(', ')}`);
    assert.ok(!offered.includes('unpause') && !offered.includes('confirmResize'));
    await instances.run('act-state', 'pause');
    await settled('act-state', 'PAUSED');
    await app.until(() => document.querySelector('[data-testid="instance-row-act-state"]')?.getAttribute('data-status') === 'PAUSED');
    const paused = await instances.offeredActions('act-state');
    assert.ok(paused.includes('unpause') && !paused.includes('pause') && !paused.includes('resize'), paused.join(', '));
    assert.deepEqual(problems, []);
  });

  test('resize to m1.small waits in VERIFY_RESIZE, confirm keeps the new flavor, the shown command is the CLI one', async () => {
    await boot('act-resize');
    await instances.choose('act-resize', 'resize');
    await instances.param('act-resize', '2');
    assert.equal(await instances.command('act-resize'), 'openstack server resize --flavor m1.small act-resize');
    await instances.apply('act-resize');
    await settled('act-resize', 'VERIFY_RESIZE');
    await instances.waitStatus('act-resize', 'VERIFY_RESIZE');
    assert.deepEqual(await instances.offeredActions('act-resize'), ['confirmResize', 'revertResize']);
    await shot(page, 'actions-verify-resize');
    await instances.run('act-resize', 'confirmResize');
    const s = await settled('act-resize', 'ACTIVE');
    assert.equal(s.flavor.original_name, 'm1.small');
  });

  test('revert returns the old flavor', async () => {
    await boot('act-revert');
    await instances.choose('act-revert', 'resize');
    await instances.param('act-revert', '2');
    await instances.apply('act-revert');
    await settled('act-revert', 'VERIFY_RESIZE');
    await instances.waitStatus('act-revert', 'VERIFY_RESIZE');
    await instances.run('act-revert', 'revertResize');
    const s = await settled('act-revert', 'ACTIVE');
    assert.equal(s.flavor.original_name, 'm1.tiny');
  });

  test('cold migrate (admin) moves the instance to the other host', async () => {
    const before = await boot('act-migrate');
    await instances.run('act-migrate', 'migrate');
    await settled('act-migrate', 'VERIFY_RESIZE');
    await instances.waitStatus('act-migrate', 'VERIFY_RESIZE');
    await instances.run('act-migrate', 'confirmResize');
    const s = await settled('act-migrate', 'ACTIVE');
    assert.notEqual(s['OS-EXT-SRV-ATTR:host'], before['OS-EXT-SRV-ATTR:host']);
  });

  test('a snapshot becomes an image in Glance named as typed', async () => {
    await boot('act-snap');
    await instances.choose('act-snap', 'createImage');
    await instances.fill('act-snap', 'act-snap-image');
    await instances.apply('act-snap');
    const id = await waitFor('the snapshot image', () => imageId('act-snap-image'));
    const image = await waitFor('the snapshot to become active', async () => {
      const got = await glance<{ status: string; image_type?: string; instance_uuid?: string }>(`/images/${id}`);
      return got.status === 'active' ? got : null;
    });
    assert.equal(image.image_type, 'snapshot');
    assert.equal(image.instance_uuid, (await server('act-snap')).id);
  });

  test('rebuild with another image, rescue and unrescue, shelve and unshelve', async () => {
    const first = await boot('act-cycle');
    const alt = await imageId('novalab-aarch64');
    await instances.choose('act-cycle', 'rescue');
    await instances.apply('act-cycle');
    await settled('act-cycle', 'RESCUE');
    await instances.waitStatus('act-cycle', 'RESCUE');
    assert.deepEqual(await instances.offeredActions('act-cycle'), ['unrescue']);
    await instances.run('act-cycle', 'unrescue');
    await settled('act-cycle', 'ACTIVE');
    await instances.waitStatus('act-cycle', 'ACTIVE');

    await instances.run('act-cycle', 'shelve');
    await waitFor('act-cycle to be shelved', async () => ((await server('act-cycle')).status.startsWith('SHELVED') ? true : null));
    await instances.waitStatus('act-cycle', 'SHELVED_OFFLOADED');
    await instances.run('act-cycle', 'unshelve');
    await settled('act-cycle', 'ACTIVE');
    await instances.waitStatus('act-cycle', 'ACTIVE');

    assert.ok(alt, 'the lab has a second image');
    await instances.choose('act-cycle', 'rebuild');
    await instances.param('act-cycle', alt);
    await instances.apply('act-cycle');
    const rebuilt = await waitFor('the rebuild onto the other image', async () => {
      const s = await server('act-cycle');
      return s.status === 'ACTIVE' && s.image !== '' && s.image.id === alt ? s : null;
    });
    assert.equal(rebuilt.id, first.id, 'a rebuild keeps the instance');
    assert.deepEqual(problems, []);
  });
});
