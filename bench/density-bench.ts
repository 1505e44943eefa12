// Guest density: how many real guests this machine runs at once, and what each costs. A lab
// with room for all of them boots DENSITY_GUESTS guests at once (x86_64 and aarch64 mixed,
// the smallest flavor), waits for every login banner, then measures each guest's QEMU: RSS
// (what `ps` shows; counts the shared QEMU binary and libraries in full in every process) and
// PSS (shared pages split between the processes sharing them: sums to the machine's real
// cost). The floors, in the same run and without a lab: one QEMU of each architecture booting
// the same image with QEMU's old defaults (before [novalab] tcg_tb_size_mb and
// free_page_reporting) and with the lab's. Every step has a deadline; an overrun is reported
// by name, with what was measured until then, and everything started is stopped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { startLab, processTree, topologyFile, type LabHandle } from '../harness/lab-process.js';
import { ComputeClient } from '../harness/compute-client.js';
import { resourcePath } from '../backend/common/app-root.js';
import { NOVA_CONF_OPTIONS } from '../contract/nova-conf-options.js';
import type { GuestArch, GuestSpec } from '../backend/compute/driver.js';
import { instanceFiles } from '../backend/compute/drivers/qemu/instance-files.js';
import { buildQemuArgv, type QemuArgvOptions } from '../backend/compute/drivers/qemu/qemu-argv.js';
import { createOverlay } from '../backend/compute/drivers/qemu/instance-dir.js';
import { qemuMemoryRegions, type QemuMemoryRegions } from './qemu-memory.js';

const GUESTS = Number(process.env.DENSITY_GUESTS ?? 20);
/** Share of aarch64 guests (14 + 6 of 20). */
const AARCH64_SHARE = 0.3;
const FLAVOR = '1'; // m1.tiny: 256 MB, 1 vCPU
const FLAVOR_MB = 256;
/** After the last banner: the guest loads its balloon driver and reports its free pages (2 s
 *  batches), so memory is measured once that has settled. */
const SETTLE_MS = 30_000;
const BANNER = 'novalab login:';
const TARGET_RSS_MB = 80;

const DEADLINES_MS = {
  lab_start: 300_000,
  create: 120_000,
  active: 300_000,
  banners: 600_000,
  settle_and_measure: SETTLE_MS + 60_000,
  floor_boot: 240_000,
  cleanup: 120_000,
};
type Step = keyof typeof DEADLINES_MS;

class Overrun extends Error {}

/** Runs one step against its deadline; at the deadline the step's signal aborts (its loops
 *  stop) and the step fails with an Overrun naming it. */
async function step<T>(name: Step, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ms = DEADLINES_MS[name];
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Overrun(`density step ${name} overran its deadline of ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([run(abort.signal), late]);
  } finally {
    clearTimeout(timer);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mb = (kb: number) => Math.round(kb / 102.4) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS and PSS of one process, in kB (Linux). */
function memoryKb(pid: number): { rss: number; pss: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k: string) => Number(text.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return null;
  }
}

/** The RSS of one QEMU split by region (guest RAM, TCG cache, files, heap, other). */
function regionsOf(pid: number): QemuMemoryRegions | null {
  try {
    return qemuMemoryRegions(fs.readFileSync(`/proc/${pid}/smaps`, 'utf8'), FLAVOR_MB);
  } catch {
    return null;
  }
}

/** The QEMU processes under the lab, by the instance uuid on their command line. */
function qemuPids(root: number): Map<string, number> {
  const found = new Map<string, number>();
  for (const pid of processTree(root)) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!path.basename(argv[0]!).startsWith('qemu-system')) continue;
      const uuid = argv[argv.indexOf('-uuid') + 1];
      if (uuid) found.set(uuid, pid);
    } catch {
      /* gone */
    }
  }
  return found;
}

interface Guest {
  id: string;
  arch: GuestArch;
  createdAt: number;
  activeMs?: number;
  bannerMs?: number;
}

export async function benchDensity(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { 'density.guests_requested': GUESTS, 'density.flavor_mb': FLAVOR_MB };
  const opt = (name: string) => NOVA_CONF_OPTIONS.find((o) => o.section === 'novalab' && o.name === name)!.default;
  out['density.tcg_tb_size_mb'] = Number(opt('tcg_tb_size_mb'));
  out['density.free_page_reporting'] = String(opt('free_page_reporting'));
  try {
    await labPart(out);
    // The floors run after the lab stopped, on a quiet machine, one QEMU at a time.
    for (const arch of ['x86_64', 'aarch64'] as const) {
      for (const [label, opts] of [
        ['old_defaults', { tcgTbSizeMb: 0, freePageReporting: false }],
        ['lab_defaults', { tcgTbSizeMb: Number(opt('tcg_tb_size_mb')), freePageReporting: opt('free_page_reporting') === true }],
      ] as const) {
        const f = await step('floor_boot', (signal) => floorBoot(arch, opts, signal));
        out[`density.floor.${label}.${arch}.banner_ms`] = f.bannerMs;
        out[`density.floor.${label}.${arch}.rss_mb`] = mb(f.rss);
        out[`density.floor.${label}.${arch}.pss_mb`] = mb(f.pss);
        // Where the RSS goes (one guest, so the split is not blurred by 20 at once).
        if (f.regions)
          for (const [region, kb] of Object.entries(f.regions))
            if (region !== 'total') out[`density.floor.${label}.${arch}.rss_mb.${region}`] = mb(kb);
      }
    }
  } catch (err) {
    if (!(err instanceof Overrun)) throw err;
    out['density.overrun'] = err.message;
  }
  // Issue 13's goal, beside what was measured: every guest's banner, median RSS at most 80 MB.
  out['density.target_rss_mb_median'] = TARGET_RSS_MB;
  out['density.target_met'] = String(out['density.guests_running'] === GUESTS && Number(out['density.rss_mb_median']) <= TARGET_RSS_MB);
  const old = Number(out['density.floor.old_defaults.x86_64.rss_mb']);
  if (old && out['density.rss_mb_median'])
    out['density.rss_median_vs_old_x86_64'] = Math.round((Number(out['density.rss_mb_median']) / old) * 100) / 100;
  return out;
}

async function labPart(out: Record<string, number | string>): Promise<void> {
  // Four hosts with room for every guest (and IoOpsFilter's 8 builds each); both architectures.
  const hosts = ['a', 'b', 'c', 'd'].map((n) => ({
    name: `dense-${n}`,
    vcpus: 16,
    memory_mb: 8192,
    architectures: ['x86_64', 'aarch64'],
  }));
  const lab = await step('lab_start', () =>
    startLab({ novaConf: `[novalab]\ntopology = ${topologyFile(hosts)}\n`, timeoutMs: DEADLINES_MS.lab_start }),
  );
  const guests: Guest[] = [];
  try {
    const nova = await ComputeClient.admin(lab);
    const images = { x86_64: await nova.imageId('novalab-x86_64'), aarch64: await nova.imageId('novalab-aarch64') };
    const aarch64 = Math.round(GUESTS * AARCH64_SHARE);
    await step('create', async () => {
      // One timestamp for all: each guest's times include its wait behind the others.
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: GUESTS }, async (_, i) => {
          const arch: GuestArch = i < GUESTS - aarch64 ? 'x86_64' : 'aarch64';
          const id = await nova.createServer(`dense-${i}`, images[arch], FLAVOR);
          guests.push({ id, arch, createdAt: t0 });
        }),
      );
    });
    await step('active', (signal) =>
      untilEvery(
        signal,
        guests,
        (g) => g.activeMs,
        (g) => activeCheck(nova, g),
      ),
    );
    out['density.create_to_active_ms_median'] = Math.round(median(guests.map((g) => g.activeMs!)));
    try {
      await step('banners', (signal) =>
        untilEvery(
          signal,
          guests,
          (g) => g.bannerMs,
          (g) => bannerCheck(nova, g),
        ),
      );
    } finally {
      const shown = guests.filter((g) => g.bannerMs !== undefined);
      out['density.guests_running'] = shown.length;
      out['density.banner_ms_median'] = Math.round(median(shown.map((g) => g.bannerMs!)));
      out['density.banner_ms_max'] = Math.round(Math.max(...shown.map((g) => g.bannerMs!)));
    }
    await step('settle_and_measure', async () => {
      if (guests.some((g) => g.bannerMs === undefined)) return;
      await sleep(SETTLE_MS);
      measureLab(lab, guests, out);
    });
  } finally {
    const ours = [...qemuPids(lab.child.pid!).values()];
    await step('cleanup', async () => {
      const nova = await ComputeClient.admin(lab).catch(() => null);
      await Promise.all(guests.map((g) => nova?.request('DELETE', `/servers/${g.id}`).catch(() => undefined)));
      await lab.stop();
    }).catch(() => lab.child.kill('SIGKILL'));
    // Whatever a stuck stop left behind: only the QEMU processes this lab started.
    for (const pid of ours) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

function measureLab(lab: LabHandle, guests: Guest[], out: Record<string, number | string>): void {
  const pids = qemuPids(lab.child.pid!);
  const per = guests.flatMap((g) => {
    const pid = pids.get(g.id);
    const m = pid ? memoryKb(pid) : null;
    return m ? [{ arch: g.arch, ...m, regions: regionsOf(pid!) }] : [];
  });
  out['density.qemu_processes'] = per.length;
  out['density.rss_mb_sum'] = mb(sum(per.map((p) => p.rss)));
  out['density.rss_mb_median'] = mb(median(per.map((p) => p.rss)));
  out['density.pss_mb_sum'] = mb(sum(per.map((p) => p.pss)));
  out['density.pss_mb_median'] = mb(median(per.map((p) => p.pss)));
  for (const arch of ['x86_64', 'aarch64'] as const) {
    const mine = per.filter((p) => p.arch === arch);
    out[`density.${arch}.rss_mb_median`] = mb(median(mine.map((p) => p.rss)));
    out[`density.${arch}.pss_mb_median`] = mb(median(mine.map((p) => p.pss)));
  }
  // The median guest's RSS by region: which part a change could still move.
  const split = per.flatMap((p) => (p.regions ? [p.regions] : []));
  for (const region of ['guestRam', 'tcgCache', 'files', 'heap', 'otherAnon'] as const)
    out[`density.rss_mb_median.${region}`] = mb(median(split.map((r) => r[region])));
  out['density.machine_available_mb_after'] = Math.round(os.freemem() / 2 ** 20);
}

/** Polls each guest not yet done (one request per guest per second) until all are. */
async function untilEvery(
  signal: AbortSignal,
  guests: Guest[],
  done: (g: Guest) => number | undefined,
  check: (g: Guest) => Promise<void>,
): Promise<void> {
  while (!signal.aborted && guests.some((g) => done(g) === undefined)) {
    await Promise.all(guests.filter((g) => done(g) === undefined).map(check));
    await sleep(1000);
  }
}

async function activeCheck(nova: ComputeClient, g: Guest): Promise<void> {
  const s = await nova.server(g.id);
  if (s.status === 'ERROR') throw new Error(`density guest ${g.id} (${g.arch}) failed: ${s.fault?.message}`);
  if (s.status === 'ACTIVE') g.activeMs = performance.now() - g.createdAt;
}

async function bannerCheck(nova: ComputeClient, g: Guest): Promise<void> {
  const log = await nova.request('POST', `/servers/${g.id}/action`, { 'os-getConsoleOutput': { length: 50 } });
  if (String(log.body?.output ?? '').includes(BANNER)) g.bannerMs = performance.now() - g.createdAt;
}

interface ManifestImage {
  architecture: GuestArch;
  kernel: string;
  ramdisk: string;
  disk: string;
  os_command_line: string;
}

/** One QEMU with the lab's command line for an m1.tiny guest, no lab around it (no metadata:
 *  the guest's init takes its name from the kernel command line): banner time and memory. */
async function floorBoot(arch: GuestArch, opts: Pick<QemuArgvOptions, 'tcgTbSizeMb' | 'freePageReporting'>, signal: AbortSignal) {
  const manifest = JSON.parse(fs.readFileSync(resourcePath('images', 'manifest.json'), 'utf8')) as { images: ManifestImage[] };
  const image = manifest.images.find((i) => i.architecture === arch)!;
  const img = (p: string) => resourcePath('images', p);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-density-'));
  const uuid = randomUUID();
  const files = instanceFiles(dir, uuid);
  fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  let qemu: ChildProcess | null = null;
  try {
    await createOverlay(files, img(image.disk), 'qcow2');
    const spec: GuestSpec = {
      uuid,
      name: 'instance-floor',
      hostname: 'floor',
      arch,
      vcpus: 1,
      memoryMb: FLAVOR_MB,
      image: {
        kernel: img(image.kernel),
        ramdisk: img(image.ramdisk),
        disk: img(image.disk),
        diskFormat: 'qcow2',
        cmdline: image.os_command_line,
      },
      network: { mac: 'fa:16:3e:00:00:01', fixedIp: null },
      metadata: null,
      vnc: { kind: 'unix' },
      accel: 'tcg',
    };
    const { binary, args } = buildQemuArgv(spec, files, { forwarder: null, ...opts });
    const t0 = performance.now();
    qemu = spawn(binary, args, { stdio: 'ignore' });
    let bannerMs = 0;
    while (!bannerMs && !signal.aborted) {
      if (qemu.exitCode !== null) throw new Error(`floor QEMU (${arch}) exited with ${qemu.exitCode}`);
      if (fs.existsSync(files.consoleLog) && fs.readFileSync(files.consoleLog, 'utf8').includes(BANNER)) bannerMs = performance.now() - t0;
      else await sleep(100);
    }
    await sleep(SETTLE_MS);
    const m = memoryKb(qemu.pid!) ?? { rss: 0, pss: 0 };
    return { bannerMs: Math.round(bannerMs), ...m, regions: regionsOf(qemu.pid!) };
  } finally {
    qemu?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
