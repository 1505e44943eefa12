// The overview draws the course's simple and complex architecture beside the live one, and
// answers the course's homework (which nova-api processes serve 8774, 8775 and 8773), each
// host's architecture, aggregates and allocation ratios — checked against the kernel's
// process table (/proc) and the OpenStack APIs, not against the GUI's own source (headless
// Chromium, fake driver, an x86_64 host in an aggregate with a CPU ratio, an aarch64 host).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken, compute } from './support/api.js';
import { childrenOf, cmdline, environ, listeningInode, socketHolders } from './support/proc.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { ArchitecturePage } from './pages/architecture-page.js';
import { topologyFile } from '../../harness/lab-process.js';

const ROLES = [
  { role: 'osapi_compute', base: 8774, workers: 2 },
  { role: 'metadata', base: 8775, workers: 1 },
  { role: 'ec2', base: 8773, workers: 1 },
] as const;

interface Proc {
  binary: string;
  host: string;
  pid: number | null;
  workerPids: number[];
}

describe('the overview: the course architecture, nova-api per port, hosts', { timeout: 6 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let app: AppPage;
  let arch: ArchitecturePage;

  const labGet = async <T>(path: string): Promise<T> => {
    const r = await fetch(new URL(path, lab.guiUrl), { headers: { 'X-Auth-Token': await adminToken(lab.guiUrl) } });
    assert.equal(r.status, 200, path);
    return (await r.json()) as T;
  };
  const processes = async () => (await labGet<{ processes: Proc[] }>('lab/api/services')).processes;

  before(async () => {
    const topology = topologyFile([
      {
        name: 'host-x86',
        vcpus: 4,
        memory_mb: 4096,
        architectures: ['x86_64'],
        aggregates: [{ name: 'dense', metadata: { cpu_allocation_ratio: '4.0' } }],
      },
      { name: 'host-arm', vcpus: 2, memory_mb: 2048, architectures: ['aarch64'], availability_zone: 'az-arm' },
    ]);
    ({ lab, browser, page, problems, app } = await openGuiSession({
      novaConf:
        '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 2\nmetadata_workers = 1\nec2_workers = 1\n' +
        'scheduler_default_filters = RetryFilter,AvailabilityZoneFilter,RamFilter,ComputeFilter,ImagePropertiesFilter,AggregateCoreFilter\n' +
        `[novalab]\ntopology = ${topology}\n`,
    }));
    arch = new ArchitecturePage(app);
    await arch.open();
  });

  after(async () => {
    if (page) await shot(page, 'overview-architecture').catch(() => undefined);
    await closeGuiSession({ lab, browser });
  });

  test("both course pictures are drawn; each box is the lab's real process, a part of one, or marked absent", async () => {
    const simple = await arch.drawnBoxes('simple');
    const complex = await arch.drawnBoxes('complex');
    for (const id of [
      'keystone',
      'glance-api',
      'nova-api',
      'nova-scheduler',
      'nova-conductor',
      'nova-compute',
      'database',
      'queue',
      'hypervisor',
    ])
      assert.ok(id in simple && id in complex, `${id} is drawn in both pictures`);
    assert.ok('balancer' in complex && !('balancer' in simple), 'only the complex picture has a load balancer');
    assert.match(await arch.caption('simple'), /no load balancing/);
    assert.match(await arch.caption('complex'), /high availability/);

    const procs = await processes();
    const api = procs.find((p) => p.binary === 'nova-api')!;
    const conductor = procs.find((p) => p.binary === 'nova-conductor')!;
    const computes = procs.filter((p) => p.binary === 'nova-compute');

    const apiBox = await arch.mapped('simple', 'controller', 'nova-api');
    assert.equal(apiBox.tone, 'real');
    assert.deepEqual(apiBox.pids.sort(), [api.pid!, ...api.workerPids].sort());
    // Each service titles its processes as the course's `ps` shows them.
    for (const pid of apiBox.pids) assert.match(cmdline(pid), /^nova-api\b/, `pid ${pid} is a nova-api process`);

    const computeBox = await arch.mapped('complex', 'compute', 'nova-compute');
    assert.deepEqual(computeBox.pids.sort(), computes.map((p) => p.pid!).sort());
    for (const pid of computeBox.pids) assert.match(cmdline(pid), /^nova-compute\b/);

    const db = await arch.mapped('simple', 'controller', 'database');
    assert.deepEqual([db.tone, db.pids], ['inside', [conductor.pid!]]);
    assert.match(cmdline(conductor.pid!), /^nova-conductor\b/);

    const queue = await arch.mapped('simple', 'controller', 'queue');
    assert.equal(queue.tone, 'inside');
    const launcherChildren = childrenOf(queue.pids[0]!);
    for (const p of [conductor, api, ...computes])
      assert.ok(launcherChildren.includes(p.pid!), `the launcher is the parent of ${p.binary}`);

    assert.equal((await arch.mapped('simple', 'controller', 'nova-cert')).tone, 'absent');
    const hv = await arch.mapped('simple', 'compute', 'hypervisor');
    assert.equal(hv.tone, 'absent', 'the fake driver runs no hypervisor');
    const balancer = await arch.mapped('complex', 'balancer', 'balancer');
    assert.deepEqual([balancer.tone, balancer.pids], ['inside', [api.pid!]]);
  });

  test("each of 8774, 8775 and 8773 shows the master that holds its socket and that port's workers, as /proc has them", async () => {
    const offset = Number(new URL(lab.guiUrl).port) - 8780;
    const procs = await processes();
    const api = procs.find((p) => p.binary === 'nova-api')!;
    for (const { role, base, workers } of ROLES) {
      const row = await arch.apiRow(role);
      assert.equal(row.port, base + offset, `${role} listens on ${base} (+ the lab's port offset)`);
      assert.equal(row.master, api.pid, `${role}: the master is nova-api's own process`);
      const inode = listeningInode(row.port);
      assert.ok(inode, `something listens on ${row.port}`);
      assert.deepEqual(socketHolders(inode), [row.master], `only the master holds the socket of ${row.port}`);
      const real = childrenOf(row.master)
        .filter((pid) => environ(pid).NOVA_API_ROLE === role)
        .sort();
      assert.equal(real.length, workers, `${role}: ${workers} worker(s) as nova.conf says`);
      assert.deepEqual([...row.workers].sort(), real, `${role}: the GUI's workers are the master's children serving ${role}`);
    }
    const answer = await app.byTestId('api-workers-answer').innerText();
    assert.match(answer, new RegExp(`= ${1 + 2 + 1 + 1}\\b`), 'the homework: 1 master + 2 + 1 + 1 workers');
  });

  test("each host's architecture, its aggregate and its ratios with their source come from the APIs", async () => {
    assert.equal(await arch.hostArchs('host-arm'), 'aarch64');
    assert.equal(await arch.hostArchs('host-x86'), 'x86_64');
    const hyps = (
      await compute<{ hypervisors: { hypervisor_hostname: string; cpu_info: { arch: string } }[] }>(
        lab.guiUrl,
        'GET',
        '/os-hypervisors/detail',
      )
    ).body.hypervisors;
    for (const h of hyps) assert.match(await arch.hostCpuInfo(h.hypervisor_hostname), new RegExp(`arch=${h.cpu_info.arch}\\b`));

    const aggs = (
      await compute<{
        aggregates: { name: string; hosts: string[]; availability_zone: string | null; metadata: Record<string, string> }[];
      }>(lab.guiUrl, 'GET', '/os-aggregates')
    ).body.aggregates;
    const dense = aggs.find((a) => a.name === 'dense')!;
    assert.deepEqual(dense.hosts, ['host-x86']);
    const x86Aggs = await arch.hostAggregates('host-x86');
    assert.match(x86Aggs, /dense/);
    assert.match(x86Aggs, /cpu_allocation_ratio=4\.0/);
    const zone = aggs.find((a) => a.hosts.includes('host-arm'))!;
    assert.equal(zone.availability_zone, 'az-arm');
    assert.match(await arch.hostAggregates('host-arm'), new RegExp(`${zone.name}[\\s\\S]*availability zone az-arm`));

    const conf = await labGet<{ values: Record<string, number> }>('lab/api/config');
    const cpuX86 = await arch.ratio('host-x86', 'cpu');
    assert.deepEqual([cpuX86.value, cpuX86.source], [4, 'aggregate']);
    assert.match(cpuX86.text, /aggregate dense/);
    assert.match(cpuX86.text, new RegExp(`nova\\.conf says ${conf.values.cpu_allocation_ratio}`));
    const cpuArm = await arch.ratio('host-arm', 'cpu');
    assert.deepEqual([cpuArm.value, cpuArm.source], [conf.values.cpu_allocation_ratio, 'nova.conf']);
    const ramX86 = await arch.ratio('host-x86', 'ram');
    assert.deepEqual([ramX86.value, ramX86.source], [conf.values.ram_allocation_ratio, 'nova.conf']);
  });

  test('after nova.conf changes, the overview names the services still using what they read, and their ratios stay the ones in use', async () => {
    assert.equal(await app.byTestId('host-arch-stale').count(), 0, 'nothing is stale after start');
    const before = await arch.ratio('host-arm', 'ram');
    const token = await adminToken(lab.guiUrl);
    const r = await fetch(new URL('lab/api/config', lab.guiUrl), {
      method: 'PUT',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ changes: [{ section: 'DEFAULT', name: 'ram_allocation_ratio', value: before.value * 2 }] }),
    });
    assert.equal(r.status, 200, await r.text());
    const stale = app.byTestId('host-arch-stale');
    await stale.waitFor({ timeout: 30_000 });
    const text = await stale.innerText();
    assert.match(text, /nova-scheduler/);
    assert.match(text, /nova-compute \(host-arm\)/);
    const after = await arch.ratio('host-arm', 'ram');
    assert.equal(after.value, before.value, 'nova-compute keeps the ratio it read at start until it restarts');
  });

  test("in 简体中文 the pictures carry the course's own words", async () => {
    await app.setLanguage('zh-CN');
    await app.until(() => document.querySelector('[data-testid="course-diagram-simple"] figcaption')?.textContent?.includes('简单架构'));
    assert.match(await arch.caption('simple'), /单点服务.*无负载均衡.*无高可靠/);
    assert.match(await arch.caption('complex'), /复杂架构.*负载均衡.*高可靠/);
    assert.match((await arch.mapped('simple', 'controller', 'database')).text, /nova-conductor/);
    await app.setLanguage('en');
    assert.deepEqual(problems, []);
  });
});
