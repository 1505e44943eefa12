// One supervised QEMU process: started by us (a child, with execa and an argument array,
// never a shell) or adopted from a previous compute process (a pid). Either way it has a
// QMP connection and an `exited` promise that settles within seconds of the process
// going away: at once for a child; for an adopted pid, when its QMP socket closes or at
// the next liveness poll (every ~2 s).
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { QmpClient, type QmpEvent } from './qmp-client.js';
import type { QemuCommand } from './qemu-argv.js';
import type { GuestExitInfo } from '../../driver.js';

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** The guest powered itself off (QMP SHUTDOWN with guest=true) before the exit. */
  guestShutdown: boolean;
}

export interface StartOptions {
  command: QemuCommand;
  /** Where QEMU's stdout and stderr go (appended). */
  logFile: string;
  qmpSocket: string;
  cwd: string;
  env?: Record<string, string>;
  /** Handed to QEMU as file descriptor 3 (the saved state on resume). */
  fd3?: number;
  qmpTimeoutMs: number;
  binDir?: string;
}

export class QemuProcess {
  readonly exited: Promise<ProcessExit>;
  private settle!: (e: ProcessExit) => void;
  private guestShutdown = false;
  private poller: NodeJS.Timeout | null = null;
  /** Set by the driver before it stops the process on purpose. */
  expectedExit = false;

  private constructor(
    readonly pid: number,
    readonly qmp: QmpClient,
    private readonly child: ResultPromise | null,
  ) {
    this.exited = new Promise((resolve) => (this.settle = resolve));
    qmp.on('event', (e: QmpEvent) => {
      if (e.event === 'SHUTDOWN' && e.data?.guest === true) this.guestShutdown = true;
    });
  }

  /** Starts QEMU and waits for its QMP socket. Rejects (and leaves no process) if QEMU
   *  exits first or QMP does not answer in time; the message carries QEMU's last words. */
  static async start(o: StartOptions): Promise<QemuProcess> {
    const log = fs.openSync(o.logFile, 'a', 0o600);
    let child: ResultPromise;
    try {
      // Raw descriptors: QEMU writes its log itself and keeps doing so if we go away.
      // (execa's types allow only 3..9 as numbers; any open descriptor works at run time.)
      const stdio = ['ignore', log, log, ...(o.fd3 !== undefined ? [o.fd3] : [])];
      child = execa(binaryPath(o.command.binary, o.binDir), o.command.args, {
        stdio: stdio as never,
        cwd: o.cwd,
        env: o.env,
        detached: false,
        cleanup: false,
        reject: false,
        buffer: false,
      });
    } finally {
      fs.closeSync(log);
    }
    const early = child.then((r) => {
      throw new Error(`QEMU exited at start (${r.signal ?? `code ${r.exitCode}`}): ${lastWords(o.logFile)}`);
    });
    early.catch(() => undefined);
    let qmp: QmpClient;
    try {
      qmp = await Promise.race([QmpClient.connect(o.qmpSocket, { timeoutMs: o.qmpTimeoutMs }), early]);
    } catch (err) {
      child.kill('SIGKILL');
      await child;
      if (child.pid === undefined) throw new Error(`cannot run ${o.command.binary}: ${(err as Error).message}`, { cause: err });
      throw err;
    }
    const p = new QemuProcess(child.pid!, qmp, child);
    void child.then((r) => p.finish({ code: r.exitCode ?? null, signal: r.signal ?? null }));
    return p;
  }

  /** Supervises a QEMU process a previous compute process started. */
  static async adopt(pid: number, qmpSocket: string, pollMs: number): Promise<QemuProcess> {
    const qmp = await QmpClient.connect(qmpSocket, { timeoutMs: 10_000 });
    const p = new QemuProcess(pid, qmp, null);
    const check = () => {
      if (!isAlive(pid)) p.finish({ code: null, signal: null });
    };
    p.poller = setInterval(check, pollMs);
    p.poller.unref();
    qmp.on('close', () => setTimeout(check, 50));
    return p;
  }

  get adopted(): boolean {
    return this.child === null;
  }

  private done = false;
  private finish(r: { code: number | null; signal: string | null }): void {
    if (this.done) return;
    this.done = true;
    if (this.poller) clearInterval(this.poller);
    this.qmp.close();
    this.settle({ ...r, guestShutdown: this.guestShutdown });
  }

  get isRunning(): boolean {
    return !this.done;
  }

  /** Kills the process and waits for it to be gone. */
  async kill(): Promise<ProcessExit> {
    this.expectedExit = true;
    if (this.child) this.child.kill('SIGKILL');
    else {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await waitUntil(() => !isAlive(this.pid), 10_000);
      this.finish({ code: null, signal: 'SIGKILL' });
    }
    return this.exited;
  }

  /** Waits up to timeoutMs for the process to exit; true if it did. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const result = await Promise.race([this.exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Stops supervising without touching the process (it goes on running). */
  detach(): void {
    if (this.poller) clearInterval(this.poller);
    this.child?.unref(); // nor keep this process alive for it
    this.qmp.removeAllListeners('close');
    this.qmp.close();
  }
}

/** Why a process the driver did not stop went away, in the contract's words. */
export function exitReason(e: ProcessExit, adopted: boolean): GuestExitInfo['reason'] {
  if (e.guestShutdown) return 'guest-shutdown';
  if (e.signal) return 'killed';
  if (adopted) return 'vanished';
  return e.code === 0 ? 'killed' : 'crashed'; // QEMU exits 0 on a caught SIGTERM/SIGINT
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie still answers signal 0; on Linux, /proc tells it has exited.
  try {
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function binaryPath(binary: string, binDir?: string): string {
  return binDir ? path.join(binDir, binary) : binary;
}

function lastWords(logFile: string): string {
  try {
    return fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' / ') || 'no output';
  } catch {
    return 'no output';
  }
}
