// Real guests under the lab's accelerator (TCG here): API create → ACTIVE and create → the
// login banner on the console, per architecture (median of 3), and the guests' memory.
import fs from 'node:fs';
import { startLab, processTree } from '../harness/lab-process.js';
import { ComputeClient } from '../harness/compute-client.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function benchBoot(runs = 3): Promise<Record<string, number>> {
  const lab = await startLab({ timeoutMs: 900_000 });
  const out: Record<string, number> = {};
  try {
    const nova = await ComputeClient.admin(lab);
    for (const arch of ['x86_64', 'aarch64']) {
      const image = await nova.imageId(`novalab-${arch}`);
      const active: number[] = [];
      const banner: number[] = [];
      const rss: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const id = await nova.createServer(`bench-${arch}-${i}`, image, '1');
        let tActive = 0;
        let tBanner = 0;
        while (!tBanner && performance.now() - t0 < 120_000) {
          if (!tActive) {
            const s = await nova.server(id);
            if (s.status === 'ACTIVE') tActive = performance.now() - t0;
            if (s.status === 'ERROR') throw new Error(`bench guest failed: ${s.fault?.message}`);
          } else {
            const log = await nova.request('POST', `/servers/${id}/action`, { 'os-getConsoleOutput': {} });
            if (String(log.body?.output ?? '').includes('novalab login:')) tBanner = performance.now() - t0;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        active.push(tActive);
        banner.push(tBanner || Number.NaN);
        rss.push(guestRssMb(lab.child.pid!, id));
        await nova.request('DELETE', `/servers/${id}`);
        await new Promise((r) => setTimeout(r, 1500));
      }
      out[`boot.${arch}.create_to_active_ms_median`] = Math.round(median(active));
      out[`boot.${arch}.create_to_banner_ms_median`] = Math.round(median(banner));
      out[`boot.${arch}.guest_rss_mb_median`] = Math.round(median(rss));
    }
  } finally {
    await lab.stop();
  }
  return out;
}

function guestRssMb(root: number, uuid: string): number {
  for (const pid of processTree(root)) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(uuid)) continue;
      const kb = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
      if (kb) return kb / 1024;
    } catch {
      /* gone */
    }
  }
  return 0;
}
