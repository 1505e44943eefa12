// What a write costs as the cloud fills, with the fake driver: create → ACTIVE and the API's
// answer to the POST, at 0 instances and again once the lab holds `count` (default 2,000).
// The instances are written straight into the stopped lab's state as the previous version laid
// it out (nova.json as one document, schema 1, with actions, request specs and traces like a
// lab that created them), so the same script measures the previous version and this one (which
// migrates it on start). Stopped instances: the compute host's power sync leaves them alone.
// `node dist/bench/db-bench.js [count]` prints the figures as JSON.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { startLab, topologyFile, type LabHandle } from '../harness/lab-process.js';
import { median } from './bounded.js';
import { ComputeClient } from '../harness/compute-client.js';

const SAMPLES = 12;

/** Four hosts large enough that capacity never limits the fill. */
function bigTopology(): string {
  return topologyFile(
    Array.from({ length: 4 }, (_, i) => ({
      name: `big-${i}`,
      vcpus: 1024,
      memory_mb: 4 * 1024 * 1024,
      disk_gb: 1_000_000,
      architectures: ['x86_64', 'aarch64'],
    })),
  );
}

type Doc = Record<string, unknown> & {
  instances: Record<string, unknown>[];
  counters: { instance: number };
  compute_nodes: { host: string; hypervisor_hostname: string }[];
  request_specs: Record<string, unknown>;
};

/** The lab's nova state as one previous-layout document, whichever version wrote it. */
async function readAsPreviousLayout(dbFile: string): Promise<Doc> {
  const journal = dbFile.replace(/\.json$/, '.journal');
  if (!fs.existsSync(journal)) return JSON.parse(fs.readFileSync(dbFile, 'utf8')) as Doc;
  const mod = pathToFileURL(path.join(import.meta.dirname, '..', 'backend', 'conductor', 'nova-db.js')).href;
  const nova = (await import(mod)) as { readNovaData(f: string): unknown; traceFile(f: string): string };
  const { instance_actions: byInstance, ...rest } = nova.readNovaData(dbFile) as Doc & { instance_actions: Record<string, unknown[]> };
  const traces = fs.existsSync(nova.traceFile(dbFile))
    ? fs
        .readFileSync(nova.traceFile(dbFile), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as unknown)
    : [];
  fs.rmSync(journal);
  fs.rmSync(nova.traceFile(dbFile), { force: true });
  return { ...rest, schema: 1, actions: Object.values(byInstance).flat(), traces } as unknown as Doc;
}

/** Fill the stopped lab's database to `count` instances, each with what a real create leaves behind. */
async function fill(dbFile: string, count: number): Promise<void> {
  const doc = await readAsPreviousLayout(dbFile);
  const model = doc.instances[0]!;
  const actions = doc.actions as { instance_uuid: string; request_id: string }[];
  const traces = doc.traces as { instance_uuid: string; request_id: string }[];
  const action = actions.find((a) => a.instance_uuid === model.uuid)!;
  const trace = traces.find((t) => t.instance_uuid === model.uuid)!;
  const spec = doc.request_specs[model.uuid as string] ?? Object.values(doc.request_specs)[0] ?? {};
  for (let k = doc.instances.length; k < count; k++) {
    const node = doc.compute_nodes[k % doc.compute_nodes.length]!;
    const uuid = randomUUID();
    const rid = `req-${randomUUID()}`;
    doc.instances.push({
      ...model,
      uuid,
      name: `fill-${k}`,
      hostname: `fill-${k}`,
      seq: ++doc.counters.instance,
      host: node.host,
      node: node.hypervisor_hostname,
      vm_state: 'stopped',
      task_state: null,
      power_state: 4,
      create_request_id: rid,
    });
    doc.request_specs[uuid] = { ...(spec as object), instance_uuid: uuid };
    actions.push({ ...action, instance_uuid: uuid, request_id: rid });
    traces.push({ ...trace, instance_uuid: uuid, request_id: rid });
  }
  doc.traces = traces.slice(-2000); // the previous version kept the last 2,000
  fs.writeFileSync(dbFile, JSON.stringify(doc, null, 2));
}

/** Sequential creates: the POST's answer, and POST → ACTIVE (polled every 20 ms). */
async function measure(lab: LabHandle, label: string): Promise<Record<string, number>> {
  const nova = await ComputeClient.admin(lab);
  const image = await nova.imageId('novalab-x86_64');
  const post: number[] = [];
  const active: number[] = [];
  for (let i = 0; i < SAMPLES + 2; i++) {
    const t0 = performance.now();
    const id = await nova.createServer(`m-${label}-${i}`, image, '1');
    const t1 = performance.now();
    for (;;) {
      const s = await nova.server(id);
      if (s.status === 'ACTIVE') break;
      if (s.status !== 'BUILD') throw new Error(`server ${id}: ${s.status}`);
      if (performance.now() - t0 > 120_000) throw new Error(`server ${id} not ACTIVE in 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const t2 = performance.now();
    if (i < 2) continue; // warm-up
    post.push(t1 - t0);
    active.push(t2 - t0);
  }
  return {
    [`db.post_ms_median_at_${label}`]: Number(median(post).toFixed(1)),
    [`db.create_to_active_ms_median_at_${label}`]: Number(median(active).toFixed(1)),
  };
}

export async function benchDb(count = 2000): Promise<Record<string, number>> {
  const conf = `[DEFAULT]\ncompute_driver = fake\nosapi_compute_workers = 1\n[novalab]\ntopology = ${bigTopology()}\n`;
  let lab = await startLab({ novaConf: conf });
  const figures: Record<string, number> = {};
  try {
    const nova = await ComputeClient.admin(lab);
    const q = await nova.request('PUT', `/os-quota-sets/${await nova.projectId()}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
    if (q.status !== 200) throw new Error(`quota: ${q.status}`);
    Object.assign(figures, await measure(lab, '0'));
  } finally {
    await lab.stop();
  }
  const dbFile = path.join(lab.stateDir, 'db', 'nova.json');
  await fill(dbFile, count);
  figures[`db.nova_json_mb_at_${count}`] = Number((fs.statSync(dbFile).size / 2 ** 20).toFixed(1));
  lab = await startLab({ stateDir: lab.stateDir });
  try {
    Object.assign(figures, await measure(lab, String(count)));
  } finally {
    await lab.stop();
  }
  fs.rmSync(lab.stateDir, { recursive: true, force: true });
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2] ?? 2000);
  benchDb(count).then(
    (f) => {
      process.stdout.write(`${JSON.stringify({ ...f, cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? '' })}\n`);
      process.exit(0);
    },
    (err: Error) => {
      process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    },
  );
}
