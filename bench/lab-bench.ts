// Lab-level figures: time from `novalab up` to every service answering (median of several
// starts), the CPU time the service processes spent getting there (user+sys from /proc, summed:
// unlike wall-clock time it does not depend on how busy the machine is), and the memory of all
// service processes at idle, summed as PSS (shared pages counted once) and, for comparison, as RSS.
import fs from 'node:fs';
import { startLab, processTree } from '../harness/lab-process.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Linux reports CPU times in clock ticks; USER_HZ is 100 on every Linux that Node supports. */
const TICK_MS = 10;

/** Any HTTP answer counts (the EC2 port answers every query with 501 on purpose), except a gateway's or a not-yet-ready 502-504. */
async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url);
    await r.arrayBuffer();
    return r.status < 502 || r.status > 504;
  } catch {
    return false;
  }
}

function memoryOf(pid: number): { pss: number; rss: number } {
  try {
    const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k: string) => Number(text.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
    return { pss: kb('Pss'), rss: kb('Rss') };
  } catch {
    return { pss: 0, rss: 0 };
  }
}

/**
 * A process's name and the CPU it has used, in ms: its own user+sys plus that of the children it
 * has already reaped (e.g. a QEMU probe), so short-lived helpers are counted too.
 */
function cpuOf(pid: number): { name: string; ms: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(fields[i]), 0); // utime stime cutime cstime
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return { name: cmd.split(' ')[0] || stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: ticks * TICK_MS };
  } catch {
    return null;
  }
}

/** CPU ms per service name (nova-api's master and workers together; the computes together), and the total. */
function serviceCpu(launcherPid: number): { total: number; launcher: number; byService: Map<string, number> } {
  const byService = new Map<string, number>();
  let total = 0;
  for (const pid of processTree(launcherPid).filter((p) => p !== launcherPid)) {
    const c = cpuOf(pid);
    if (!c) continue;
    total += c.ms;
    byService.set(c.name, (byService.get(c.name) ?? 0) + c.ms);
  }
  return { total, launcher: cpuOf(launcherPid)?.ms ?? 0, byService };
}

export async function benchLab(runs = 5): Promise<Record<string, number>> {
  const times: number[] = [];
  const cpuTotals: number[] = [];
  const launcherCpu: number[] = [];
  const perService = new Map<string, number[]>();
  let memory = { pss: 0, rss: 0, processes: 0 };
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const lab = await startLab({ novaConf: '[DEFAULT]\ncompute_driver = fake\n' });
    const urls = [
      lab.url('keystone', '/v3'),
      lab.url('glance-api', '/versions'),
      lab.url('osapi_compute', '/v2.1'),
      lab.url('metadata', '/'),
      lab.url('ec2', '/'),
      lab.url('nova-novncproxy', '/vnc_auto.html'),
      lab.url('gui', '/lab/api/info'),
    ];
    while (!(await Promise.all(urls.map(answers))).every(Boolean)) await new Promise((r) => setTimeout(r, 10));
    times.push(performance.now() - t0);
    const cpu = serviceCpu(lab.child.pid!);
    cpuTotals.push(cpu.total);
    launcherCpu.push(cpu.launcher);
    for (const [name, ms] of cpu.byService) perService.set(name, [...(perService.get(name) ?? []), ms]);
    if (i === runs - 1) {
      await new Promise((r) => setTimeout(r, 3000)); // idle
      const pids = processTree(lab.child.pid!).filter((p) => p !== lab.child.pid);
      const sums = pids.map(memoryOf).reduce((a, m) => ({ pss: a.pss + m.pss, rss: a.rss + m.rss }), { pss: 0, rss: 0 });
      memory = { ...sums, processes: pids.length };
    }
    await lab.stop();
  }
  const detail = Object.fromEntries(
    [...perService].sort(([a], [b]) => a.localeCompare(b)).map(([name, xs]) => [`lab.start_cpu_ms.${name}`, median(xs)]),
  );
  return {
    'lab.start_to_all_answering_ms_median': Math.round(median(times)),
    'lab.start_runs': runs,
    'lab.start_cpu_ms_total': median(cpuTotals),
    'lab.start_cpu_ms_launcher': median(launcherCpu),
    ...detail,
    'lab.idle_pss_mb_total': Math.round(memory.pss / 1024),
    'lab.idle_rss_mb_total': Math.round(memory.rss / 1024),
    'lab.processes': memory.processes,
  };
}
