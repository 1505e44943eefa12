// The lab backend as the desktop app's child: `novalab up` run by Electron's own Node
// (ELECTRON_RUN_AS_NODE), its GUI URL read from the output, and a stop that waits until
// every service — and so every QEMU guest — has ended.
import { spawn, type ChildProcess } from 'node:child_process';

/** Pure: the GUI URL, once `novalab up` has printed both its gui line and `ready`. */
export function readyUrl(lines: string[]): string | null {
  const gui = lines.map((l) => l.match(/^gui\s+(http:\/\/\S+)$/)?.[1]).find(Boolean);
  return gui && lines.includes('ready') ? gui : null;
}

export interface Backend { child: ChildProcess; url: string; stop(): Promise<void> }

export function startBackend(novalabBin: string, env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<Backend> {
  const child = spawn(process.execPath, [novalabBin, 'up'], { env: { ...env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error('the lab did not start in time')); }, timeoutMs);
    const onData = (chunk: Buffer) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      const url = readyUrl(lines);
      if (url) { clearTimeout(timer); resolve({ child, url, stop }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the lab stopped (code ${code}):\n${lines.slice(-20).join('\n')}`)); });
  });
}
