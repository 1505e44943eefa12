// Compute API figures with the fake driver: GET /servers/detail latency with 1,000
// instances (median; to the response received, and to it parsed by the client), and
// concurrent create throughput (50 at once, until all ACTIVE).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLab } from '../harness/lab-process.js';
import { ComputeClient } from '../harness/compute-client.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function bigTopology(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-bench-')), 'topology.json');
  const hosts = Array.from({ length: 4 }, (_, i) => ({
    name: `big-${i}`,
    vcpus: 512,
    memory_mb: 1024 * 1024,
    disk_gb: 100000,
    availability_zone: 'nova',
    architectures: ['x86_64', 'aarch64'],
    hypervisor_types: ['qemu'],
    capabilities: {},
    aggregates: [],
    metrics: {},
  }));
  fs.writeFileSync(file, JSON.stringify({ hosts }));
  return file;
}

export async function benchApi(): Promise<Record<string, number>> {
  const lab = await startLab({ novaConf: `[DEFAULT]\ncompute_driver = fake\n[novalab]\ntopology = ${bigTopology()}\n` });
  try {
    const nova = await ComputeClient.admin(lab);
    await nova.request('PUT', `/os-quota-sets/${await nova.projectId()}`, { quota_set: { instances: 5000, cores: 5000, ram: 10_000_000 } });
    const image = await nova.imageId('novalab-x86_64');

    const t0 = performance.now();
    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => nova.createServer(`burst-${i}`, image, '1')));
    await Promise.all(burst.map((id) => nova.settled(id, 300_000)));
    const createPerS = 50 / ((performance.now() - t0) / 1000);

    for (let batch = 0; batch < 19; batch++) {
      const r = await nova.request('POST', '/servers', {
        server: { name: `fill-${batch}`, imageRef: image, flavorRef: '1', networks: 'none', min_count: 50, max_count: 50 },
      });
      if (r.status !== 202) throw new Error(`batch create: ${r.status} ${JSON.stringify(r.body)}`);
    }
    await waitAllActive(nova, 1000);
    const received: number[] = [];
    const parsed: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      const r = await nova.requestText('GET', '/servers/detail');
      received.push(performance.now() - t);
      const n = (JSON.parse(r.text) as { servers: unknown[] }).servers.length;
      parsed.push(performance.now() - t);
      if (n !== 1000) throw new Error(`expected 1000 servers, got ${n}`);
    }
    return {
      // Request sent to the last byte of the response received (what the API costs) ...
      'api.servers_detail_1000_received_ms_median': Number(median(received).toFixed(1)),
      // ... and to the 1,000 servers parsed by the client (what a client waits in all).
      'api.servers_detail_1000_ms_median': Number(median(parsed).toFixed(1)),
      'api.concurrent_create_50_per_s': Number(createPerS.toFixed(1)),
    };
  } finally {
    await lab.stop();
  }
}

async function waitAllActive(nova: ComputeClient, n: number): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const r = await nova.request('GET', '/servers/detail');
    const servers = r.body.servers as { status: string }[];
    if (servers.length >= n && servers.every((s) => s.status !== 'BUILD')) return;
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new Error('instances did not settle');
}
