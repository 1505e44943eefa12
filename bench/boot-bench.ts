// Real guests under the lab's accelerator (TCG here): API create → ACTIVE and create → the
// login banner on the console, per architecture (median of a few), and the guests' memory —
// beside the floor: QEMU booting the same kernel, initrd and kernel command line, with the
// same machine, CPU, memory and devices, started directly with no lab, to the same banner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { processTree } from '../harness/lab-process.js';
import { appRoot } from '../backend/common/app-root.js';
import { ComputeClient } from '../harness/compute-client.js';
import { sleep, type SectionContext } from './deadline.js';
import { killAndWait, labFor, median, ratio } from './bounded.js';

const BANNER = 'novalab login:';

/** The QEMU process running instance `uuid` under the lab (its argv and RSS), if any. */
function guestProcess(root: number, uuid: string): { argv: string[]; rssMb: number } | null {
  for (const pid of processTree(root)) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (!argv.includes(uuid) || !argv[0]?.includes('qemu-system')) continue;
      const kb = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
      return { argv, rssMb: kb / 1024 };
    } catch {
      /* gone */
    }
  }
  return null;
}

/**
 * The floor's command: the lab guest's own argv, keeping machine, accelerator, CPU, memory,
 * kernel, initrd and command line and the other devices, and leaving out what belongs to the
 * lab (QMP, pid file, VNC, the network with its metadata route, the instance's disk overlay):
 * the serial port goes to `serialFile`, the disk is the image's own, opened with snapshot=on.
 * Without a NIC the guest's init skips DHCP and metadata at once, so this is a lower bound.
 */
export function floorArgv(labArgv: string[], arch: string, serialFile: string, imageDisk: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < labArgv.length; i++) {
    const a = labArgv[i]!;
    const v = labArgv[i + 1] ?? '';
    if (['-qmp', '-pidfile', '-vnc', '-incoming', '-chardev', '-serial', '-name'].includes(a)) {
      i++;
      continue;
    }
    if (a === '-drive') {
      out.push(a, `file=${imageDisk},if=virtio,format=qcow2,snapshot=on`);
      i++;
    } else if (a === '-netdev' || (a === '-device' && v.startsWith('virtio-net'))) {
      i++; // no network: with a NIC but no metadata route the guest's init waits 3 s for an answer
    } else out.push(a);
  }
  return [...out, '-chardev', `file,id=serial0,path=${serialFile}`, '-serial', 'chardev:serial0', '-display', 'none'];
}

/** Spawn → the banner on the serial port, polled every 50 ms as the lab's console output is. */
async function floorBootMs(binary: string, args: string[], serialFile: string, signal: AbortSignal): Promise<number> {
  const t0 = performance.now();
  const proc = spawn(binary, args, { stdio: 'ignore' });
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`floor QEMU exited with ${proc.exitCode}`);
      try {
        if (fs.readFileSync(serialFile, 'latin1').includes(BANNER)) return performance.now() - t0;
      } catch {
        /* not created yet */
      }
      await sleep(50, signal);
    }
  } finally {
    await killAndWait(proc);
  }
}

export async function benchBoot(ctx: SectionContext): Promise<Record<string, number>> {
  const runs = ctx.quick ? 1 : 3;
  const lab = await labFor(ctx, 'start-lab', 120_000, {});
  const nova = await ctx.step('sign-in', 20_000, () => ComputeClient.admin(lab));
  for (const arch of ['x86_64', 'aarch64']) {
    const image = await ctx.step(`${arch}/image`, 10_000, () => nova.imageId(`novalab-${arch}`));
    const active: number[] = [];
    const banner: number[] = [];
    const rss: number[] = [];
    let argv: string[] | null = null;
    for (let i = 0; i < runs; i++) {
      const id = await ctx.step(`${arch}/boot-${i + 1}`, 120_000, async (signal) => {
        const t0 = performance.now();
        const id = await nova.createServer(`bench-${arch}-${i}`, image, '1');
        ctx.defer(`delete ${id}`, () => nova.request('DELETE', `/servers/${id}`));
        let tActive = 0;
        while (!tActive) {
          const s = await nova.server(id);
          if (s.status === 'ACTIVE') tActive = performance.now() - t0;
          if (s.status === 'ERROR') throw new Error(`bench guest failed: ${s.fault?.message}`);
          await sleep(50, signal);
        }
        for (;;) {
          const log = await nova.request('POST', `/servers/${id}/action`, { 'os-getConsoleOutput': {} });
          if (String(log.body?.output ?? '').includes(BANNER)) break;
          await sleep(50, signal);
        }
        active.push(tActive);
        banner.push(performance.now() - t0);
        const g = guestProcess(lab.child.pid!, id);
        if (g) {
          rss.push(g.rssMb);
          argv = g.argv;
        }
        return id;
      });
      await ctx.step(`${arch}/delete-${i + 1}`, 30_000, async (signal) => {
        await nova.request('DELETE', `/servers/${id}`);
        while ((await nova.request('GET', `/servers/${id}`)).status !== 404) await sleep(200, signal);
      });
    }
    const out = ctx.figures;
    out[`boot.${arch}.create_to_active_ms_median`] = Math.round(median(active));
    out[`boot.${arch}.create_to_banner_ms_median`] = Math.round(median(banner));
    out[`boot.${arch}.guest_rss_mb_median`] = Math.round(median(rss));
    if (!argv) continue;
    const labArgv: string[] = argv;
    const floor: number[] = [];
    for (let i = 0; i < runs; i++) {
      floor.push(
        await ctx.step(`${arch}/floor-${i + 1}`, 120_000, async (signal) => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-bench-boot-'));
          try {
            const serial = path.join(dir, 'serial.log');
            const disk = path.join(appRoot(), 'resources', 'images', arch, 'disk.qcow2');
            return await floorBootMs(labArgv[0]!, floorArgv(labArgv, arch, serial, disk), serial, signal);
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        }),
      );
    }
    out[`boot.${arch}.floor_qemu_banner_ms_median`] = Math.round(median(floor));
    out[`boot.${arch}.banner_vs_floor_ratio`] = ratio(median(banner), median(floor));
  }
  return {};
}
