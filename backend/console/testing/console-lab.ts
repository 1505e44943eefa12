// Test and bench support: a bus broker in this process, the two console services as real
// child processes (the compiled mains, started as the launcher starts them), and a real QEMU
// whose VNC server they can reach. No guest kernel is needed: the BIOS screen speaks RFB.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Broker } from '../../bus/broker.js';
import { BusClient } from '../../bus/client.js';
import { rpcClient } from '../../bus/rpc.js';
import type { LabEvent } from '../../../contract/events.js';
import type { ConsoleAuthApi } from '../../rpc/consoleauth-api.js';
import type { VncConnectInfo } from '../../rpc/compute-api.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONSOLEAUTH_MAIN = path.join(here, '..', 'consoleauth-main.js');
export const NOVNCPROXY_MAIN = path.join(here, '..', 'novncproxy-main.js');

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

type ConfValues = Record<string, string | number>;

function writeConf(file: string, values: ConfValues): void {
  const lines = ['[DEFAULT]', ...Object.entries(values).map(([k, v]) => `${k} = ${v}`), ''];
  fs.writeFileSync(file, lines.join('\n'));
}

export interface ServiceChild {
  proc: ChildProcess;
  output: () => string;
}

function startChild(main: string, env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<ServiceChild> {
  const proc = fork(main, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  proc.stderr!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const child = { proc, output: () => out };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${path.basename(main)} not ready after ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    proc.on('message', (m: { type?: string; message?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve(child);
      }
      if (m?.type === 'fatal') {
        clearTimeout(timer);
        reject(new Error(`${path.basename(main)}: ${m.message}`));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(main)} exited (${code}):\n${out}`));
    });
  });
}

async function stopChild(c: ServiceChild): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => c.proc.once('exit', () => resolve()));
  c.proc.kill('SIGTERM');
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface ConsoleLab {
  stateDir: string;
  proxyPort: number;
  proxyPid: number;
  /** http://127.0.0.1:<port> */
  proxyOrigin: string;
  bus: BusClient;
  consoleauth: ConsoleAuthApi;
  /** Every event the bus carried (the test subscribes like the GUI does). */
  events: LabEvent[];
  /** Everything both services wrote to stdout and stderr. */
  output(): string;
  proxyOutput(): string;
  /** Rewrite nova.conf (nova-consoleauth reads the token TTL when it issues a token). */
  setConf(values: ConfValues): void;
  stop(): Promise<void>;
}

export async function startConsoleLab(conf: ConfValues = {}): Promise<ConsoleLab> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-console-'));
  const proxyPort = await freePort();
  let values: ConfValues = { novncproxy_port: proxyPort, ...conf };
  const novaConf = path.join(stateDir, 'nova.conf');
  writeConf(novaConf, values);
  const broker = new Broker();
  const busPort = await broker.listen();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NOVALAB_STATE_DIR: stateDir,
    NOVALAB_BUS_PORT: String(busPort),
    NOVALAB_BUS_SECRET: broker.secret,
  };
  delete env.NOVALAB_PORT_OFFSET;
  const bus = new BusClient('console-test', 10_000);
  await bus.connect(busPort, broker.secret);
  const events: LabEvent[] = [];
  bus.subscribe((e) => events.push(e as LabEvent));
  const children: ServiceChild[] = [];
  try {
    children.push(await startChild(CONSOLEAUTH_MAIN, env));
    children.push(await startChild(NOVNCPROXY_MAIN, env));
  } catch (err) {
    for (const c of children) await stopChild(c);
    bus.close();
    broker.close();
    throw err;
  }
  const [auth, proxy] = children as [ServiceChild, ServiceChild];
  return {
    stateDir,
    proxyPort,
    proxyPid: proxy.proc.pid!,
    proxyOrigin: `http://127.0.0.1:${proxyPort}`,
    bus,
    events,
    consoleauth: rpcClient<ConsoleAuthApi>(bus, 'consoleauth').call,
    output: () => auth.output() + proxy.output(),
    proxyOutput: () => proxy.output(),
    setConf: (more) => {
      values = { ...values, ...more };
      writeConf(novaConf, values);
    },
    async stop() {
      for (const c of [proxy, auth]) await stopChild(c);
      bus.close();
      broker.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * CPU time (user + system) a process and its reaped children have used so far, in ms
 * (Linux /proc; websockify forks a process per connection).
 */
export function cpuTimeMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return ((f[11]! + f[12]! + f[13]! + f[14]!) * 1000) / 100; // utime stime cutime cstime, in USER_HZ (100)
}

export interface QemuVnc {
  info: VncConnectInfo;
  proc: ChildProcess;
  stop(): Promise<void>;
}

export function qemuAvailable(): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => fs.existsSync(path.join(d, 'qemu-system-x86_64')));
}

/** A BIOS-only QEMU with its VNC server on a unix socket in `dir`, or on 127.0.0.1:<tcpPort>
 *  (≥ 5900) — with `password`, asking for VNC authentication as the lab's TCP guests do. */
export async function startQemuVnc(where: { dir: string } | { tcpPort: number; password?: string }): Promise<QemuVnc> {
  const info: VncConnectInfo =
    'dir' in where
      ? { kind: 'unix', path: path.join(where.dir, 'vnc.sock') }
      : { kind: 'tcp', host: '127.0.0.1', port: where.tcpPort, ...(where.password ? { password: where.password } : {}) };
  if (info.kind === 'tcp' && info.port < 5900) throw new Error('QEMU VNC ports start at 5900');
  const password = info.kind === 'tcp' ? info.password : undefined;
  const qmpDir = password ? fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-qmp-')) : null;
  const vnc = info.kind === 'unix' ? `unix:${info.path}` : `127.0.0.1:${info.port - 5900}${password ? ',password=on' : ''}`;
  const qmp = qmpDir ? ['-qmp', `unix:${path.join(qmpDir, 'qmp.sock')},server=on,wait=off`] : [];
  const proc = spawn(
    'qemu-system-x86_64',
    ['-machine', 'q35', '-accel', 'tcg', '-display', 'none', '-vnc', vnc, ...qmp, '-nodefaults', '-vga', 'std', '-m', '64'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (qmpDir) proc.once('exit', () => fs.rmSync(qmpDir, { recursive: true, force: true }));
  let err = '';
  proc.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`qemu exited (${proc.exitCode}): ${err}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(info.kind === 'unix' ? { path: info.path } : { host: info.host, port: info.port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) {
      if (qmpDir && password) await qmpSetVncPassword(path.join(qmpDir, 'qmp.sock'), password);
      return { info, proc, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`qemu's VNC server did not come up: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Enough QMP to set a VNC password (the lab's driver does the same through its QmpClient). */
async function qmpSetVncPassword(socketPath: string, password: string): Promise<void> {
  const sock = net.connect(socketPath);
  let text = '';
  const replies = () => text.split('\n').filter((l) => l.includes('"return"') || l.includes('"error"'));
  await new Promise<void>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (b: Buffer) => {
      text += b.toString();
      if (replies().length === 2) resolve();
    });
    sock.write('{"execute":"qmp_capabilities"}\n');
    sock.write(JSON.stringify({ execute: 'change-vnc-password', arguments: { password } }) + '\n');
  });
  sock.destroy();
  if (replies().some((l) => l.includes('"error"'))) throw new Error(`QMP refused the VNC password: ${text}`);
}
