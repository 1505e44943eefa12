// kill -9 of each service in turn while a client keeps creating, listing and deleting servers:
// each is restarted, and afterwards every server the client saw created exists or was deleted
// by it, none is stuck in BUILD or deleting, and the usage the API reports (per hypervisor and
// the project's limits) is the sum of the instances. Fake driver, with a slow spawn so that
// builds are in flight when a service dies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, labToken, eventually, type LabHandle } from '../../harness/lab-process.js';
import { serviceProcesses, runningService, kill9 } from '../../harness/lab-services.js';

const CONF = '[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 2\nmetadata_workers = 1\nec2_workers = 1\nreport_interval = 2\n';
const VERSION = 'compute 2.79';
let lab: LabHandle;

interface Server {
  id: string;
  name: string;
  status: string;
  'OS-EXT-STS:task_state': string | null;
  'OS-EXT-SRV-ATTR:host': string | null;
  flavor: { vcpus: number; ram: number };
}

/** A client that keeps working through the kills: it re-authenticates and retries, and records what it saw. */
class Churn {
  readonly created = new Set<string>();
  readonly deleted = new Set<string>();
  readonly anomalies: string[] = [];
  ok = 0;
  failed = 0;
  private token = '';
  private stopped = false;
  private done: Promise<void> | null = null;

  constructor(private image: string) {}

  private async req(method: string, path: string, body?: unknown): Promise<{ status: number; body: any } | null> {
    try {
      if (!this.token) this.token = await labToken(lab);
      const res = await fetch(lab.url('osapi_compute', `/v2.1${path}`), {
        method,
        headers: {
          'X-Auth-Token': this.token,
          'OpenStack-API-Version': VERSION,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      if (res.status === 401) this.token = '';
      return { status: res.status, body: text ? JSON.parse(text) : null };
    } catch {
      return null; // a service on the way was down: the request failed, nothing was confirmed
    }
  }

  start(): void {
    this.done = (async () => {
      for (let i = 0; !this.stopped; i++) {
        const made = await this.req('POST', '/servers', {
          server: {
            name: `churn-${i}`,
            imageRef: this.image,
            flavorRef: '1',
            networks: 'none',
          },
        });
        if (made?.status === 202) this.created.add(made.body.server.id as string);
        const list = await this.req('GET', '/servers/detail');
        const live = [...this.created].filter((id) => !this.deleted.has(id));
        let deleted = true;
        if (live.length > 4) {
          const victim = live[0]!;
          const del = await this.req('DELETE', `/servers/${victim}`);
          if (del?.status === 204) this.deleted.add(victim);
          else if (del?.status === 404) this.anomalies.push(`DELETE ${victim}: 404 before the client deleted it`);
          deleted = del?.status === 204;
        }
        if (made?.status === 202 && list?.status === 200 && deleted) this.ok++;
        else {
          this.failed++;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /** Resolves once the client has completed n more full rounds. */
  async progress(n: number, ms = 180_000): Promise<void> {
    const target = this.ok + n;
    await eventually(`${n} more successful client rounds`, () => this.ok >= target, ms, 100);
  }
}

let churn: Churn;
const recovery: Record<string, number> = {};

before(async () => {
  lab = await startLab({
    novaConf: CONF,
    env: { NOVALAB_FAKE_SPAWN_DELAY_MS: '1500' },
  });
  const token = await labToken(lab);
  const headers = {
    'X-Auth-Token': token,
    'content-type': 'application/json',
    'OpenStack-API-Version': VERSION,
  };
  const project = (
    await (
      await fetch(lab.url('keystone', '/v3/auth/tokens'), {
        headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
      })
    ).json()
  ).token.project.id;
  const q = await fetch(lab.url('osapi_compute', `/v2.1/os-quota-sets/${project}`), {
    method: 'PUT',
    headers,
    body: JSON.stringify({
      quota_set: { instances: -1, cores: -1, ram: -1 },
    }),
  });
  assert.equal(q.status, 200);
  const images = await (
    await fetch(lab.url('glance-api', '/v2/images?name=novalab-x86_64'), {
      headers: { 'X-Auth-Token': token },
    })
  ).json();
  churn = new Churn(images.images[0].id as string);
  churn.start();
  await churn.progress(3);
});
after(async () => {
  await churn?.stop();
  await lab?.stop();
});

/** Wait until something is being built (so the kill lands on work in flight), then kill. */
async function killWhileBuilding(pid: number): Promise<number> {
  const token = await labToken(lab).catch(() => null);
  if (token) {
    await eventually(
      'a server in BUILD',
      async () => {
        const r = await fetch(lab.url('osapi_compute', '/v2.1/servers/detail?status=BUILD'), {
          headers: {
            'X-Auth-Token': token,
            'OpenStack-API-Version': VERSION,
          },
        });
        return r.ok && ((await r.json()).servers as unknown[]).length > 0;
      },
      30_000,
      50,
    ).catch(() => undefined);
  }
  const at = Date.now();
  kill9(pid);
  return at;
}

const TARGETS: { name: string; binary: string; host?: string }[] = [
  { name: 'nova-api master', binary: 'nova-api' },
  { name: 'nova-api worker', binary: 'nova-api' },
  { name: 'nova-scheduler', binary: 'nova-scheduler' },
  { name: 'nova-conductor', binary: 'nova-conductor' },
  { name: 'nova-compute@host-a', binary: 'nova-compute', host: 'host-a' },
  { name: 'nova-consoleauth', binary: 'nova-consoleauth' },
  { name: 'nova-novncproxy', binary: 'nova-novncproxy' },
  { name: 'keystone', binary: 'keystone' },
  { name: 'glance-api', binary: 'glance-api' },
];

for (const t of TARGETS) {
  test(`kill -9 of ${t.name} under load: it is restarted and the client carries on`, async () => {
    const svc = await runningService(lab, t.binary, t.host);
    if (t.name === 'nova-api worker') {
      const workers = svc.workerPids.length;
      const victim = svc.workerPids[0]!;
      const at = await killWhileBuilding(victim);
      await eventually(
        'the worker replaced',
        async () => {
          const p = (await serviceProcesses(lab)).find((x) => x.binary === 'nova-api')!;
          return p.pid === svc.pid && p.workerPids.length === workers && !p.workerPids.includes(victim);
        },
        120_000,
        100,
      );
      recovery[t.name] = Date.now() - at;
    } else {
      const at = await killWhileBuilding(svc.pid!);
      const back = await runningService(lab, t.binary, t.host, svc.pid!);
      recovery[t.name] = Date.now() - at;
      assert.ok(back.restarts > svc.restarts, 'the supervisor counts the restart');
    }
    await churn.progress(3);
  });
}

test('afterwards every server is accounted for, none is stuck, and usage is the sum of the instances', async () => {
  await churn.stop();
  const token = await labToken(lab);
  const get = async (path: string) => {
    const r = await fetch(lab.url('osapi_compute', `/v2.1${path}`), {
      headers: { 'X-Auth-Token': token, 'OpenStack-API-Version': VERSION },
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  };
  // Generous settle time: builds and deletes in flight finish, recovery runs.
  const servers = await eventually(
    'no server in BUILD or deleting',
    async () => {
      const r = await get('/servers/detail');
      if (r.status !== 200) return null;
      const list = r.body.servers as Server[];
      return list.some((s) => s.status === 'BUILD' || s.status === 'DELETED' || s['OS-EXT-STS:task_state'] === 'deleting') ? null : list;
    },
    300_000,
    1000,
  ).catch(async (err: Error) => {
    const r = await get('/servers/detail');
    const stuck = ((r.body?.servers as Server[]) ?? []).filter((s) => s.status === 'BUILD' || s['OS-EXT-STS:task_state'] === 'deleting');
    throw new Error(
      `${err.message}: ${JSON.stringify(stuck.map((s) => ({ id: s.id, name: s.name, status: s.status, task: s['OS-EXT-STS:task_state'], host: s['OS-EXT-SRV-ATTR:host'] })))}`,
    );
  });
  const listed = new Set(servers.map((s) => s.id));

  // Every server the client saw created still exists, unless the client deleted it; what it deleted is gone.
  const lost = [...churn.created].filter((id) => !churn.deleted.has(id) && !listed.has(id));
  assert.deepEqual(lost, [], 'created and never deleted, but missing');
  const undead = [...churn.deleted].filter((id) => listed.has(id));
  assert.deepEqual(undead, [], 'deleted (204) but still listed');
  for (const id of churn.deleted) assert.equal((await get(`/servers/${id}`)).status, 404, `deleted ${id}`);
  assert.deepEqual(churn.anomalies, []);

  // Usage per hypervisor is the sum of the instances placed there.
  const hypervisors = (await get('/os-hypervisors/detail')).body.hypervisors as {
    service: { host: string };
    vcpus_used: number;
    memory_mb_used: number;
    running_vms: number;
  }[];
  for (const h of hypervisors) {
    const here = servers.filter((s) => s['OS-EXT-SRV-ATTR:host'] === h.service.host);
    assert.equal(h.running_vms, here.length, `${h.service.host}: running_vms`);
    assert.equal(
      h.vcpus_used,
      here.reduce((n, s) => n + s.flavor.vcpus, 0),
      `${h.service.host}: vcpus_used`,
    );
    assert.equal(
      h.memory_mb_used,
      here.reduce((n, s) => n + s.flavor.ram, 0),
      `${h.service.host}: memory_mb_used`,
    );
  }
  // The project's quota usage counts every instance it has.
  const abs = (await get('/limits')).body.limits.absolute as Record<string, number>;
  assert.equal(abs.totalInstancesUsed, servers.length);
  assert.equal(
    abs.totalCoresUsed,
    servers.reduce((n, s) => n + s.flavor.vcpus, 0),
  );
  assert.equal(
    abs.totalRAMUsed,
    servers.reduce((n, s) => n + s.flavor.ram, 0),
  );

  const byStatus: Record<string, number> = {};
  for (const s of servers) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  process.stdout.write(
    `# ${TARGETS.length} kills; client: ${churn.created.size} created, ${churn.deleted.size} deleted, ${churn.ok} full rounds, ${churn.failed} failed rounds; left ${JSON.stringify(byStatus)}\n`,
  );
  process.stdout.write(`# kill → running again (ms): ${JSON.stringify(recovery)}\n`);
});
