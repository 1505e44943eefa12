// The lab backend as the desktop app's child: `novalab up` run by Electron's own Node
// (ELECTRON_RUN_AS_NODE), its GUI URL read from the output, and a stop that waits until
// every service — and so every QEMU guest — has ended.
import { spawn, type ChildProcess } from 'node:child_process';

/** What `novalab up` printed: the GUI URL and the origin consoles open from (from nova.conf). */
export interface ReadyLab {
  url: string;
  consoleOrigin: string;
}

/** Pure: the lab's addresses, once `novalab up` has printed its gui and console lines and `ready`. */
export function readyLab(lines: string[]): ReadyLab | null {
  const field = (name: string) => lines.map((l) => l.match(new RegExp(`^${name}\\s+(https?://\\S+)$`))?.[1]).find(Boolean);
  const url = field('gui');
  const consoleUrl = field('console');
  return url && consoleUrl && lines.includes('ready') ? { url, consoleOrigin: new URL(consoleUrl).origin } : null;
}

export interface Backend extends ReadyLab {
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startBackend(novalabBin: string, env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<Backend> {
  const child = spawn(process.execPath, [novalabBin, 'up'], {
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('the lab did not start in time'));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      const ready = readyLab(lines);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, ...ready, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the lab stopped (code ${code}):\n${lines.slice(-20).join('\n')}`));
    });
  });
}
