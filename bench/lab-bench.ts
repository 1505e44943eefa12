// Lab-level figures: time from `novalab up` to every service answering (median of several
// starts), and the memory of all service processes at idle, summed as PSS (shared pages
// counted once) and, for comparison, as RSS.
import fs from 'node:fs';
import { startLab, processTree } from '../test/support/lab-process.js';

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

async function answers(url: string): Promise<boolean> {
  try { const r = await fetch(url); await r.arrayBuffer(); return r.status < 500; } catch { return false; }
}

function memoryOf(pid: number): { pss: number; rss: number } {
  try {
    const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k: string) => Number(text.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
    return { pss: kb('Pss'), rss: kb('Rss') };
  } catch { return { pss: 0, rss: 0 }; }
}

export async function benchLab(runs = 5): Promise<Record<string, number>> {
  const times: number[] = [];
  let memory = { pss: 0, rss: 0, processes: 0 };
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const lab = await startLab({ novaConf: '[DEFAULT]\ncompute_driver = fake\n' });
    const urls = [lab.url('keystone', '/v3'), lab.url('glance-api', '/versions'), lab.url('osapi_compute', '/v2.1'), lab.url('metadata', '/'), lab.url('ec2', '/'), lab.url('nova-novncproxy', '/vnc_auto.html'), lab.url('gui', '/lab/api/info')];
    while (!(await Promise.all(urls.map(answers))).every(Boolean)) await new Promise((r) => setTimeout(r, 10));
    times.push(performance.now() - t0);
    if (i === runs - 1) {
      await new Promise((r) => setTimeout(r, 3000)); // idle
      const pids = processTree(lab.child.pid!).filter((p) => p !== lab.child.pid);
      const sums = pids.map(memoryOf).reduce((a, m) => ({ pss: a.pss + m.pss, rss: a.rss + m.rss }), { pss: 0, rss: 0 });
      memory = { ...sums, processes: pids.length };
    }
    await lab.stop();
  }
  return {
    'lab.start_to_all_answering_ms_median': Math.round(median(times)),
    'lab.start_runs': runs,
    'lab.idle_pss_mb_total': Math.round(memory.pss / 1024),
    'lab.idle_rss_mb_total': Math.round(memory.rss / 1024),
    'lab.processes': memory.processes,
  };
}
