// Lab-level figures: time from `novalab up` to every service answering (median of several
// starts), the CPU time the service processes spent getting there (user+sys from /proc, summed:
// unlike wall-clock time it does not depend on how busy the machine is), and the memory of all
// service processes at idle, summed as PSS (shared pages counted once) and, for comparison, as RSS.
// Floors, round by round with the lab's starts: the same number of bare Node HTTP processes and
// of express processes, spawned and probed the same way (every 10 ms until all answer).
import fs from 'node:fs';
import { startLab, processTree } from '../harness/lab-process.js';
import { sleep, type SectionContext } from './deadline.js';
import { floorStartMs, median, ratio, stopLab, untilAllAnswer } from './bounded.js';

/** Linux reports CPU times in clock ticks; USER_HZ is 100 on every Linux that Node supports. */
const TICK_MS = 10;

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

export async function benchLab(ctx: SectionContext): Promise<Record<string, number>> {
  const runs = ctx.quick ? 2 : 5;
  const times: number[] = [];
  const nodeFloor: number[] = [];
  const expressFloor: number[] = [];
  const cpuTotals: number[] = [];
  const launcherCpu: number[] = [];
  const perService = new Map<string, number[]>();
  let memory = { pss: 0, rss: 0, processes: 0 };
  let processes = 17;
  // Written after every complete round: a later timeout keeps the rounds measured.
  const publish = (rounds: number) => {
    const start = median(times);
    Object.assign(ctx.figures, {
      'lab.start_to_all_answering_ms_median': Math.round(start),
      'lab.start_runs': rounds,
      'lab.start_floor_node_ms_median': Math.round(median(nodeFloor)),
      'lab.start_floor_express_ms_median': Math.round(median(expressFloor)),
      'lab.start_floor_processes': processes,
      'lab.start_vs_node_ratio': ratio(start, median(nodeFloor)),
      'lab.start_vs_express_ratio': ratio(start, median(expressFloor)),
      'lab.start_cpu_ms_total': median(cpuTotals),
      'lab.start_cpu_ms_launcher': median(launcherCpu),
      ...Object.fromEntries(
        [...perService].sort(([a], [b]) => a.localeCompare(b)).map(([name, xs]) => [`lab.start_cpu_ms.${name}`, median(xs)]),
      ),
      'lab.idle_pss_mb_total': Math.round(memory.pss / 1024),
      'lab.idle_rss_mb_total': Math.round(memory.rss / 1024),
      'lab.processes': memory.processes,
    });
  };
  for (let i = 0; i < runs; i++) {
    const lab = await ctx.step(`start-${i + 1}`, 30_000, async (signal) => {
      const t0 = performance.now();
      const lab = await startLab({ novaConf: '[DEFAULT]\ncompute_driver = fake\n', signal, timeoutMs: 30_000 });
      ctx.defer(`stop lab ${i + 1}`, () => stopLab(lab));
      const urls = [
        lab.url('keystone', '/v3'),
        lab.url('glance-api', '/versions'),
        lab.url('osapi_compute', '/v2.1'),
        lab.url('metadata', '/'),
        lab.url('ec2', '/'),
        lab.url('nova-novncproxy', '/vnc_auto.html'),
        lab.url('gui', '/lab/api/info'),
      ];
      await untilAllAnswer(urls, signal);
      times.push(performance.now() - t0);
      return lab;
    });
    const cpu = serviceCpu(lab.child.pid!);
    cpuTotals.push(cpu.total);
    launcherCpu.push(cpu.launcher);
    for (const [name, ms] of cpu.byService) perService.set(name, [...(perService.get(name) ?? []), ms]);
    processes = processTree(lab.child.pid!).length - 1;
    if (i === 0) {
      await ctx.step('idle-memory', 10_000, async (signal) => {
        await sleep(3000, signal);
        const pids = processTree(lab.child.pid!).filter((p) => p !== lab.child.pid);
        const sums = pids.map(memoryOf).reduce((a, m) => ({ pss: a.pss + m.pss, rss: a.rss + m.rss }), { pss: 0, rss: 0 });
        memory = { ...sums, processes: pids.length };
      });
    }
    await ctx.step(`stop-${i + 1}`, 30_000, () => stopLab(lab));
    // The floors: as many processes as the lab's launcher started, right after the lab's own start.
    nodeFloor.push(await ctx.step(`node-floor-${i + 1}`, 20_000, (signal) => floorStartMs('node', processes, signal)));
    expressFloor.push(await ctx.step(`express-floor-${i + 1}`, 20_000, (signal) => floorStartMs('express', processes, signal)));
    publish(i + 1);
  }
  return {};
}
