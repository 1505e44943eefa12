// Compute API figures with the fake driver, on 4 large lab hosts, as the cloud fills:
//   create at 0, 1,000 and 5,000 instances: the API's answer to the POST (202 received) and
//     create → ACTIVE (median of a few single creates), and the ratios 5,000 / 0;
//   GET /servers/detail at 1,000 instances (median; to the response received, and to it parsed)
//     beside its floor: a bare Node server serializing and sending the same body;
//   100 concurrent clients, each making 20 GET /servers/detail?limit=1000 at 1,000 instances:
//     p50/p99/errors, beside the same load on the floor server;
//   concurrent create throughput (50 at once, until all ACTIVE).
// The cloud is filled with multi-creates (min_count = max_count) of up to 200, all sent at
// once and then left to settle; the fill to 5,000 comes last, so if it overruns its deadline the
// figures before it stand and the timeout names the fill.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePort, topologyFile } from '../harness/lab-process.js';
import { ComputeClient } from '../harness/compute-client.js';
import type { LabHandle } from '../harness/lab-process.js';
import { sleep, type SectionContext } from './deadline.js';
import { listLoad } from './list-load.js';
import { fetchWithin, killAndWait, labFor, median, percentile, ratio, round, spawnFloor, untilAllAnswer } from './bounded.js';

/** Four hosts large enough that capacity never limits the fill. */
function bigTopology(): string {
  return topologyFile(
    Array.from({ length: 4 }, (_, i) => ({
      name: `big-${i}`,
      vcpus: 4096,
      memory_mb: 16 * 1024 * 1024,
      disk_gb: 1_000_000,
      architectures: ['x86_64', 'aarch64'],
    })),
  );
}

/** The parts of the API's answers the bench reads. */
interface ApiBody {
  server?: { id: string; status: string; fault?: unknown };
  servers?: unknown[];
}

/** A raw compute API request with a deadline (the harness client has none). */
class Api {
  constructor(
    private lab: LabHandle,
    readonly token: string,
  ) {}
  async call(method: string, p: string, body: unknown, ms: number, signal: AbortSignal): Promise<{ status: number; text: string }> {
    const res = await fetchWithin(
      this.lab.url('osapi_compute', `/v2.1${p}`),
      {
        method,
        headers: {
          'X-Auth-Token': this.token,
          'OpenStack-API-Version': 'compute 2.79',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      },
      ms,
      signal,
    );
    return { status: res.status, text: await res.text() };
  }
  async json(method: string, p: string, body: unknown, ms: number, signal: AbortSignal): Promise<{ status: number; body: ApiBody }> {
    const r = await this.call(method, p, body, ms, signal);
    return { status: r.status, body: (r.text ? JSON.parse(r.text) : {}) as ApiBody };
  }
}

interface CreateTimes {
  post: number;
  active: number;
}

/** One create: the POST's answer, then GET every 20 ms until ACTIVE. */
async function createOnce(api: Api, image: string, name: string, signal: AbortSignal): Promise<CreateTimes> {
  const t0 = performance.now();
  const r = await api.json('POST', '/servers', { server: { name, imageRef: image, flavorRef: '1', networks: 'none' } }, 60_000, signal);
  const post = performance.now() - t0;
  if (r.status !== 202) throw new Error(`create ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  const id = r.body.server!.id;
  for (;;) {
    const s = await api.json('GET', `/servers/${id}`, null, 60_000, signal);
    const status = s.body.server?.status;
    if (status === 'ACTIVE') return { post, active: performance.now() - t0 };
    if (status === 'ERROR') throw new Error(`create ${name} went to ERROR: ${JSON.stringify(s.body.server!.fault)}`);
    await sleep(20, signal);
  }
}

/** Until no instance of the project is in BUILD (asked for with a page of one, so the poll stays cheap). */
async function settled(api: Api, signal: AbortSignal): Promise<void> {
  for (;;) {
    const r = await api.json('GET', '/servers?status=BUILD&limit=1', null, 60_000, signal);
    if (r.status === 200 && r.body.servers?.length === 0) return;
    await sleep(500, signal);
  }
}

export async function benchApi(ctx: SectionContext): Promise<void> {
  const f = ctx.figures;
  const levels = ctx.quick ? [0, 100, 200] : [0, 1000, 5000];
  const samples = ctx.quick ? 3 : 7;
  const [clients, each] = ctx.quick ? [10, 3] : [100, 20];
  const lab = await labFor(ctx, 'start-lab', 120_000, {
    novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${bigTopology()}\n`,
  });
  const { api, image } = await ctx.step('setup', 30_000, async (signal) => {
    const nova = await ComputeClient.admin(lab);
    const api = new Api(lab, nova.authToken);
    const q = await api.json(
      'PUT',
      `/os-quota-sets/${await nova.projectId()}`,
      { quota_set: { instances: -1, cores: -1, ram: -1 } },
      30_000,
      signal,
    );
    if (q.status !== 200) throw new Error(`quota: ${q.status} ${JSON.stringify(q.body)}`);
    return { api, image: await nova.imageId('novalab-x86_64') };
  });
  let count = 0;
  const created: Record<number, CreateTimes[]> = {};

  const measureCreates = async (level: number) => {
    created[level] = [];
    for (let i = 0; i < samples; i++) {
      created[level]!.push(await ctx.step(`create-at-${level}`, 60_000, (signal) => createOnce(api, image, `at-${level}-${i}`, signal)));
      count++;
    }
    const post = median(created[level]!.map((c) => c.post));
    const active = median(created[level]!.map((c) => c.active));
    f[`api.create_post_ms_median.at_${level}`] = round(post);
    f[`api.create_to_active_ms_median.at_${level}`] = round(active);
    if (level !== 0 && created[0]) {
      f[`api.create_post_ratio.${level}_vs_0`] = ratio(post, median(created[0].map((c) => c.post)));
      f[`api.create_to_active_ratio.${level}_vs_0`] = ratio(active, median(created[0].map((c) => c.active)));
    }
  };

  const fill = async (target: number) => {
    const t0 = performance.now();
    // All the batches at once, then wait for them to settle: the conductor commits the changes
    // that arrive while it writes in one write, so concurrent builds fill much faster.
    await ctx.step(`fill-${target}`, ctx.quick ? 60_000 : target <= 1000 ? 300_000 : 400_000, async (signal) => {
      while (count < target) {
        const n = Math.min(200, target - count);
        const r = await api.json(
          'POST',
          '/servers',
          { server: { name: `fill-${count}`, imageRef: image, flavorRef: '1', networks: 'none', min_count: n, max_count: n } },
          120_000,
          signal,
        );
        if (r.status !== 202) throw new Error(`batch create: ${r.status} ${JSON.stringify(r.body)}`);
        count += n;
        f['api.instances_requested'] = count;
      }
      await settled(api, signal);
      const errors = await api.json('GET', '/servers?status=ERROR&limit=1000', null, 60_000, signal);
      f[`api.fill_to_${target}_errors`] = errors.body.servers?.length ?? -1;
    });
    f[`api.fill_to_${target}_s`] = round((performance.now() - t0) / 1000);
  };

  // A first create warms the path (JIT, the computes' first claim) and is not counted.
  await ctx.step('warm-up', 60_000, (signal) => createOnce(api, image, 'warm-up', signal));
  count++;
  await measureCreates(levels[0]!);

  const burst = ctx.quick ? 10 : 50;
  await ctx.step('concurrent-create', 120_000, async (signal) => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: burst }, (_, i) => createOnce(api, image, `burst-${i}`, signal)));
    count += burst;
    f[`api.concurrent_create_${burst}_per_s`] = round(burst / ((performance.now() - t0) / 1000));
  });

  await fill(levels[1]!);
  await measureCreates(levels[1]!);

  // GET /servers/detail: the API, then the floor serving the same body.
  const page = levels[1]!;
  const detailPath = `/servers/detail?limit=${page}`;
  const body = await ctx.step('servers-detail', 120_000, async (signal) => {
    const received: number[] = [];
    const parsed: number[] = [];
    let text = '';
    for (let i = 0; i < (ctx.quick ? 5 : 40); i++) {
      const t = performance.now();
      const r = await api.call('GET', detailPath, null, 30_000, signal);
      received.push(performance.now() - t);
      const n = (JSON.parse(r.text) as { servers: unknown[] }).servers.length;
      parsed.push(performance.now() - t);
      if (n !== page) throw new Error(`expected ${page} servers, got ${n}`);
      text = r.text;
    }
    f[`api.servers_detail_${page}_received_ms_median`] = round(median(received));
    f[`api.servers_detail_${page}_ms_median`] = round(median(parsed));
    f['api.servers_detail_body_kb'] = Math.round(text.length / 1024);
    return text;
  });
  const bodyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-bench-body-')), 'detail.json');
  fs.writeFileSync(bodyFile, body);
  const floorPort = await freePort();
  let floor: ChildProcess | null = spawnFloor('body', floorPort, bodyFile);
  ctx.defer('stop floor server', () => floor && killAndWait(floor));
  const floorUrl = `http://127.0.0.1:${floorPort}/`;
  await ctx.step('servers-detail-floor', 60_000, async (signal) => {
    await untilAllAnswer([floorUrl], signal);
    const received: number[] = [];
    for (let i = 0; i < (ctx.quick ? 5 : 40); i++) {
      const t = performance.now();
      await (await fetchWithin(floorUrl, {}, 30_000, signal)).text();
      received.push(performance.now() - t);
    }
    const floorMs = median(received);
    f[`api.servers_detail_${page}_floor_ms_median`] = round(floorMs);
    f[`api.servers_detail_${page}_vs_floor_ratio`] = ratio(f[`api.servers_detail_${page}_received_ms_median`] as number, floorMs);
  });

  // 100 concurrent list clients against the API, then the same load against the floor.
  const key = `api.list_${clients}x${each}_limit_${page}`;
  await ctx.step('concurrent-list', 240_000, async (signal) => {
    const headers = { 'X-Auth-Token': api.token, 'OpenStack-API-Version': 'compute 2.79' };
    const r = await listLoad(lab.url('osapi_compute', `/v2.1${detailPath}`), headers, clients, each, signal);
    f[`${key}.p50_ms`] = round(percentile(r.latencies, 50));
    f[`${key}.p99_ms`] = round(percentile(r.latencies, 99));
    f[`${key}.errors`] = r.errors;
  });
  await ctx.step('concurrent-list-floor', 120_000, async (signal) => {
    const r = await listLoad(floorUrl, {}, clients, each, signal);
    const p99 = percentile(r.latencies, 99);
    f[`${key}.floor_p50_ms`] = round(percentile(r.latencies, 50));
    f[`${key}.floor_p99_ms`] = round(p99);
    f[`${key}.floor_errors`] = r.errors;
    f[`${key}.p99_vs_floor_ratio`] = ratio(f[`${key}.p99_ms`] as number, p99);
  });
  await killAndWait(floor);
  floor = null;

  await fill(levels[2]!);
  await measureCreates(levels[2]!);
}
