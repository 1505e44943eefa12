// A real lab for the GUI tests: `node bin/novalab.js up` in a temporary state directory, on
// a port offset whose ports are all free; stopped with SIGTERM, after which no process of
// it (service, worker or QEMU guest) may remain.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { adminToken } from './api.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../..');
const BASE_PORTS = [5000, 9292, 8774, 8775, 8773, 6080, 8780];

export interface Lab {
  guiUrl: string;
  stateDir: string;
  output: () => string;
  /** Every PID that belongs to the lab now (services, workers, guests). */
  pids(): Promise<number[]>;
  stop(): Promise<{ leftovers: number[] }>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function freeOffset(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const offset = 20000 + Math.floor(Math.random() * 200) * 100;
    const free = await Promise.all(BASE_PORTS.map((p) => portFree(p + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error('no port offset with all lab ports free');
}

/** PIDs whose command line mentions the state directory (QEMU guests, their helpers). */
function pidsMentioning(dir: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(dir)) out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `novaConf`: the lab's nova.conf, e.g. the fake driver and a topology for the cheap tests. */
export async function startLab(opts: { novaConf?: string } = {}): Promise<Lab> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-e2e-'));
  if (opts.novaConf !== undefined) fs.writeFileSync(path.join(stateDir, 'nova.conf'), opts.novaConf);
  const offset = await freeOffset();
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/novalab.js'), 'up', '--state-dir', stateDir, '--port-offset', String(offset)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lab not ready in 60 s:\n${text}`)), 60_000);
    const check = () => {
      if (/^ready$/m.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`novalab up exited (${code}):\n${text}`));
    });
  });
  const gui = /^gui\s+(\S+)/m.exec(text)?.[1];
  if (!gui) throw new Error(`no gui line in:\n${text}`);
  const guiUrl = gui.endsWith('/') ? gui : `${gui}/`;
  let known = new Set<number>();

  const lab: Lab = {
    guiUrl,
    stateDir,
    output: () => text,
    async pids() {
      const ids = new Set<number>(pidsMentioning(stateDir));
      if (child.pid) ids.add(child.pid);
      try {
        const token = await adminToken(guiUrl);
        const r = await fetch(new URL('lab/api/services', guiUrl), { headers: { 'X-Auth-Token': token } });
        const body = (await r.json()) as { processes: { pid: number | null; workerPids: number[] }[] };
        for (const p of body.processes) {
          if (p.pid) ids.add(p.pid);
          for (const w of p.workerPids) ids.add(w);
        }
      } catch {
        /* the lab may be going down */
      }
      known = new Set([...known, ...ids]);
      return [...ids];
    },
    async stop() {
      await lab.pids();
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      const deadline = Date.now() + 15_000;
      let leftovers: number[];
      do {
        leftovers = [...new Set([...known, ...pidsMentioning(stateDir)])].filter((pid) => pid !== process.pid && alive(pid));
        if (!leftovers.length) break;
        await new Promise((r) => setTimeout(r, 250));
      } while (Date.now() < deadline);
      for (const pid of leftovers) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      fs.rmSync(stateDir, { recursive: true, force: true });
      return { leftovers };
    },
  };
  await lab.pids();
  return lab;
}
