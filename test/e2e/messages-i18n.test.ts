// Issue 14, point 5 (the backend's half): "why was my host rejected" in the learner's language.
// A boot that no host can take (NoValidHost): in 简体中文 the walkthrough's fault, its
// scheduling step and the scheduler view give the fault and each host's rejection in Chinese,
// with the lab's real numbers; in English the same pages give Nova's English text.
// A lab with the fake driver and two small hosts, so it is cheap.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken, compute, getServer, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { SchedulerPage } from './pages/scheduler-page.js';
import { topologyFile } from '../../harness/lab-process.js';

describe('backend explanations in the learner language', { timeout: 10 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let app: AppPage;
  let serverId = '';
  /** What each host really has, from the API (os-hypervisors), and what the flavor asks. */
  const memory: Record<string, number> = {};
  const REQUESTED_MB = 12_000;

  before(async () => {
    const topology = topologyFile([
      { name: 'alpha', vcpus: 2, memory_mb: 4096 },
      { name: 'beta', vcpus: 2, memory_mb: 3072 },
    ]);
    ({ lab, browser, page, app } = await openGuiSession({
      novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${topology}\n`,
    }));

    const hv = await compute<{ hypervisors: { hypervisor_hostname: string; memory_mb: number }[] }>(
      lab.guiUrl,
      'GET',
      '/os-hypervisors/detail',
    );
    for (const h of hv.body.hypervisors) memory[h.hypervisor_hostname] = h.memory_mb;
    assert.deepEqual(Object.keys(memory).sort(), ['alpha', 'beta']);

    const token = await adminToken(lab.guiUrl);
    const images = (await (
      await fetch(new URL('image/v2/images?name=novalab-x86_64', lab.guiUrl), { headers: { 'X-Auth-Token': token } })
    ).json()) as { images: { id: string }[] };
    const flavor = await compute<{ flavor: { id: string } }>(lab.guiUrl, 'POST', '/flavors', {
      flavor: { name: 'too-big', ram: REQUESTED_MB, vcpus: 1, disk: 1 },
    });
    assert.equal(flavor.status, 200, JSON.stringify(flavor.body));
    const r = await compute<{ server: { id: string } }>(lab.guiUrl, 'POST', '/servers', {
      server: { name: 'nowhere', imageRef: images.images[0]!.id, flavorRef: flavor.body.flavor.id, networks: 'none' },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    serverId = r.body.server.id;
    await waitFor('the boot to fail', async () => ((await getServer(lab.guiUrl, serverId))?.status === 'ERROR' ? true : null), 60_000);
  });

  after(() => closeGuiSession({ lab, browser }));

  const faultText = async () => {
    await app.goTo('boot', serverId);
    const fault = app.byTestId('boot-fault');
    await fault.waitFor({ timeout: 30_000 });
    return fault.innerText();
  };

  test('in 简体中文 the NoValidHost fault and every host’s reason are Chinese, with the real numbers', async (t) => {
    try {
      await app.setLanguage('zh-CN');
      // The API keeps Nova's English: the GUI's Chinese is its own rendering, not the fault's text.
      const server = (await getServer(lab.guiUrl, serverId)) as { fault?: { message: string } } | null;
      assert.match(String(server?.fault?.message), /^No valid host was found\. There are not enough hosts available\. RamFilter rejected/);

      const fault = await faultText();
      assert.match(fault, /没有找到有效主机/);
      assert.match(fault, /RamFilter 拒绝了剩下的所有主机/);
      for (const [host, mb] of Object.entries(memory)) {
        assert.ok(fault.includes(`${host}：请求 ${REQUESTED_MB} MB 内存 > 物理内存 ${mb} MB`), `${host}'s reason in Chinese: ${fault}`);
      }
      assert.doesNotMatch(fault, /not enough hosts|MB requested|physical RAM|rejected every/);

      // The steps' lines the services sent are Chinese too: policy, record, scheduler call, decision.
      const line = (n: number) => app.byTestId(`boot-step-summary-${n}`).innerText();
      assert.match(await line(4), /的令牌有效；os_compute_api:servers:create：允许/);
      assert.match(
        await line(5),
        /nova-conductor 把实例 nowhere（[0-9a-f-]+）写入了数据库：vm_state 为「构建中」，task_state 为「调度中」/,
      );
      assert.match(await line(6), /为 nowhere（第 1 次尝试）/);
      assert.match(await line(7), /没有找到有效主机/);

      const scheduler = new SchedulerPage(app);
      await scheduler.open(serverId);
      const ram = await scheduler.column('RamFilter');
      for (const [host, mb] of Object.entries(memory)) {
        assert.equal(ram[host]?.result, 'reject');
        assert.equal(ram[host]?.text, `请求 ${REQUESTED_MB} MB 内存 > 物理内存 ${mb} MB（一个实例不能对自己超分）`);
      }
      const error = await app.byTestId('scheduler-error').innerText();
      assert.match(error, /没有找到有效主机/);
      assert.doesNotMatch(error, /not enough hosts/);
    } catch (err) {
      await shot(page, t.name);
      throw err;
    }
  });

  test('in English the same pages give the English text, from the same numbers', async (t) => {
    try {
      await app.setLanguage('en');
      const fault = await faultText();
      assert.match(fault, /No valid host was found\. There are not enough hosts available\. RamFilter rejected every remaining host: /);
      for (const [host, mb] of Object.entries(memory)) {
        assert.ok(fault.includes(`${host}: ${REQUESTED_MB} MB requested > ${mb} MB physical RAM`), `${host}'s reason: ${fault}`);
      }
      assert.doesNotMatch(fault, /[\u4e00-\u9fff]/);
      assert.match(
        await app.byTestId('boot-step-summary-5').innerText(),
        /nova-conductor wrote instance nowhere \([0-9a-f-]+\) to the database: vm_state building, task_state scheduling/,
      );

      const scheduler = new SchedulerPage(app);
      await scheduler.open(serverId);
      const ram = await scheduler.column('RamFilter');
      for (const [host, mb] of Object.entries(memory)) {
        assert.equal(
          ram[host]?.text,
          `${REQUESTED_MB} MB requested > ${mb} MB physical RAM (an instance may not overcommit against itself)`,
        );
      }
    } catch (err) {
      await shot(page, t.name);
      throw err;
    }
  });
});
