// Console proxy bench: one real QEMU VNC server (BIOS screen, TCP on 127.0.0.1), reached
// directly, through nova-novncproxy (real processes and bus, as the launcher runs them) and,
// when installed, through websockify — side by side in one run, interleaved round by round.
//   serverinit: WebSocket handshake + token check + RFB handshake to ServerInit
//   latency: a small request/response (SetEncodings with QEMU's extended-key-event pseudo
//            encoding, which QEMU acknowledges at once with a 16-byte update)
//   throughput: back-to-back full-screen Raw updates (QEMU paces these itself)
//   relay capacity: a local byte source that sends as fast as it can, to see the proxy's own
//            ceiling, which QEMU's pacing hides; and the relay's CPU time per MB (user +
//            system), which a busy machine disturbs less than rates
// `console.loadavg_1m` says how busy the machine was: on 2 cores shared with guests, rates vary.
// Every connection is opened and read under a step's deadline: when it fires, every socket and
// WebSocket still open is destroyed (an idle websockify connection once hung the whole bench).
// Run: node dist/bench/console-bench.js (prints JSON).
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import {
  cpuTimeMs,
  freePort,
  startConsoleLab,
  startQemuVnc,
  type ConsoleLab,
  type QemuVnc,
} from '../backend/console/testing/console-lab.js';
import {
  rfbHandshake,
  rfbOverSocket,
  rfbOverWebSocket,
  readServerMessage,
  requestUpdate,
  setEncodings,
  ENCODING,
  type RfbConn,
  type ServerInit,
} from '../backend/console/testing/rfb-probe.js';
import { runSection, sleep, within, type SectionContext } from './deadline.js';
import { killAndWait } from './bounded.js';

const SERVERINIT_RUNS = 30;
const PING_RUNS = 400;
const THROUGHPUT_ROUNDS = 5;
const THROUGHPUT_MS = 2000;
const CAPACITY_BYTES = 64 * 1024 * 1024;
const CAPACITY_ROUNDS = 3;

interface Route {
  name: string;
  pid?: number;
  open(target: 'qemu' | 'source', signal: AbortSignal): Promise<RfbConn>;
}

/** Every connection the bench has open, so a deadline can destroy them all at once. */
const open = new Set<() => void>();
function destroyAll(): void {
  for (const kill of [...open]) kill();
  open.clear();
}

/** A TCP connection that is destroyed when `signal` fires, connecting or not. */
function connectBounded(port: number, signal: AbortSignal): Promise<RfbConn> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const kill = () => sock.destroy();
    open.add(kill);
    const onAbort = () => {
      kill();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('error', reject);
    sock.once('connect', () => {
      sock.off('error', reject);
      signal.removeEventListener('abort', onAbort);
      const c = rfbOverSocket(sock);
      sock.once('close', () => open.delete(kill));
      resolve({ ...c, close: () => (open.delete(kill), sock.destroy()) });
    });
  });
}

/** A WebSocket that is terminated (not closed politely: the peer may never answer) when `signal` fires. */
function openWsBounded(url: string, signal: AbortSignal, origin?: string): Promise<RfbConn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['binary'], { origin, perMessageDeflate: false, handshakeTimeout: 10_000 });
    const kill = () => ws.terminate();
    open.add(kill);
    const onAbort = () => {
      kill();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      kill();
      reject(new Error(`HTTP ${res.statusCode} instead of a WebSocket`));
    });
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      signal.removeEventListener('abort', onAbort);
      const c = rfbOverWebSocket(ws);
      ws.once('close', () => open.delete(kill));
      resolve({ ...c, close: () => (open.delete(kill), ws.terminate()) });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function freeVncPort(): Promise<number> {
  for (let p = 5990; p < 6080; p++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return p;
  }
  throw new Error('no free VNC port in 5990..6079');
}

/**
 * A byte source as fast as loopback allows: sends `total` bytes to each connection and leaves
 * it open (websockify drops what it has not relayed yet when its target closes).
 */
function byteSource(total: number): Promise<{ port: number; close(): void }> {
  const chunk = Buffer.alloc(256 * 1024, 0x5a);
  const server = net.createServer((sock) => {
    sock.setNoDelay(true);
    sock.on('error', () => sock.destroy());
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!sock.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          sock.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, close: () => server.close() })),
  );
}

async function serverInitMs(route: Route, signal: AbortSignal): Promise<number> {
  const t0 = performance.now();
  const c = await route.open('qemu', signal);
  await rfbHandshake(c);
  const ms = performance.now() - t0;
  c.close();
  return ms;
}

async function pingMs(c: RfbConn, init: ServerInit): Promise<number> {
  const t0 = performance.now();
  setEncodings(c, [ENCODING.raw, ENCODING.extKeyEvent]);
  const m = await readServerMessage(c, init.bitsPerPixel);
  if (!m.encodings.includes(ENCODING.extKeyEvent)) throw new Error('unexpected answer to SetEncodings');
  return performance.now() - t0;
}

async function fullFramesBytesPerSecond(c: RfbConn, init: ServerInit, ms: number): Promise<number> {
  setEncodings(c, [ENCODING.raw]);
  let bytes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    requestUpdate(c, false, 0, 0, init.width, init.height);
    for (;;) {
      const m = await readServerMessage(c, init.bitsPerPixel);
      bytes += m.bytes;
      if (m.encodings.includes(ENCODING.raw)) break;
    }
  }
  return bytes / ((performance.now() - t0) / 1000);
}

/** Bytes/s from the source through a route, and the CPU ms per MB the relay process spent (when it has one). */
async function capacity(route: Route, bytes: number, signal: AbortSignal): Promise<{ rate: number; cpuMsPerMB: number | null }> {
  const cpu0 = route.pid ? cpuTimeMs(route.pid) : 0;
  const t0 = performance.now();
  const c = await route.open('source', signal);
  await c.queue.skip(bytes);
  const s = (performance.now() - t0) / 1000;
  c.close();
  await sleep(300, signal); // let websockify reap its per-connection child, so its CPU time is counted
  const cpuMsPerMB = route.pid ? (cpuTimeMs(route.pid) - cpu0) / (bytes / 1e6) : null;
  return { rate: bytes / s, cpuMsPerMB };
}

function startWebsockify(port: number, target: string): Promise<ChildProcess | null> {
  const bin = (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((d) => path.join(d, 'websockify'))
    .find((p) => fs.existsSync(p));
  if (!bin) return Promise.resolve(null);
  const proc = spawn(bin, [`127.0.0.1:${port}`, target], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const poll = () => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(proc);
      });
      s.once('error', () => {
        if (proc.exitCode !== null || Date.now() > deadline) {
          proc.kill();
          reject(new Error('websockify did not start'));
          return;
        }
        setTimeout(poll, 50);
      });
    };
    poll();
  });
}

/** SIGTERM, then SIGKILL after 3 s. */
async function stopProc(p: ChildProcess | null): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGTERM');
  await Promise.race([exited, sleep(3_000)]);
  await killAndWait(p);
}

export async function benchConsole(ctx: SectionContext): Promise<Record<string, number>> {
  const q = ctx.quick;
  const capacityBytes = q ? 8 * 1024 * 1024 : CAPACITY_BYTES;
  // Whatever step ends the section, nothing stays connected.
  ctx.defer('destroy connections', destroyAll);
  const step = <T>(name: string, ms: number, fn: (signal: AbortSignal) => Promise<T>) =>
    ctx.step(name, ms, (signal) => {
      signal.addEventListener('abort', destroyAll, { once: true });
      return fn(signal);
    });

  // A start that completes after its deadline is undone at once (nobody else will stop it).
  const qemu: QemuVnc = await step('start-qemu', 20_000, async (signal) => {
    const q = await startQemuVnc({ tcpPort: await freeVncPort() });
    if (signal.aborted) await q.stop();
    return q;
  });
  ctx.defer('stop qemu', () => within(5_000, 'stop qemu', qemu.stop()).catch(() => killAndWait(qemu.proc)));
  if (qemu.info.kind !== 'tcp') throw new Error('unreachable');
  const vnc = qemu.info;
  const source = await byteSource(capacityBytes);
  ctx.defer('close byte source', () => source.close());
  const l: ConsoleLab = await step('start-console-lab', 30_000, async (signal) => {
    const lab = await startConsoleLab();
    if (signal.aborted) await lab.stop();
    return lab;
  });
  ctx.defer('stop console services', () => l.stop());
  const [qemuToken, sourceToken] = await step('authorize', 10_000, async () => [
    (await l.consoleauth.authorize_console('bench-qemu', vnc)).token,
    (await l.consoleauth.authorize_console('bench-source', { kind: 'tcp', host: '127.0.0.1', port: source.port })).token,
  ]);
  const srcPort = source.port;

  const routes: Route[] = [
    { name: 'direct', open: (t, signal) => connectBounded(t === 'qemu' ? vnc.port : srcPort, signal) },
    {
      name: 'proxy',
      pid: l.proxyPid,
      open: (t, signal) =>
        openWsBounded(`ws://127.0.0.1:${l.proxyPort}/?token=${t === 'qemu' ? qemuToken : sourceToken}`, signal, l.proxyOrigin),
    },
  ];
  await step('start-websockify', 25_000, async (signal) => {
    const wsQemuPort = await freePort();
    const wsSourcePort = await freePort();
    const wsQemu = await startWebsockify(wsQemuPort, `127.0.0.1:${vnc.port}`).catch(() => null);
    ctx.defer('stop websockify (qemu)', () => stopProc(wsQemu));
    const wsSource = wsQemu && !signal.aborted ? await startWebsockify(wsSourcePort, `127.0.0.1:${srcPort}`).catch(() => null) : null;
    ctx.defer('stop websockify (source)', () => stopProc(wsSource));
    if (signal.aborted) await Promise.all([stopProc(wsQemu), stopProc(wsSource)]);
    if (wsQemu && wsSource) {
      routes.push({
        name: 'websockify',
        pid: wsSource.pid,
        open: (t, signal) => openWsBounded(`ws://127.0.0.1:${t === 'qemu' ? wsQemuPort : wsSourcePort}/`, signal),
      });
    }
  });
  ctx.figures['console.websockify_measured'] = routes.length === 3 ? 1 : 0;

  // Warm up every route (JIT, QEMU's first full update).
  await step('warm-up', 30_000, async (signal) => {
    for (const r of routes) for (let i = 0; i < 3; i++) await serverInitMs(r, signal);
  });

  const init: Record<string, number[]> = {};
  await step('serverinit', 40_000, async (signal) => {
    for (let i = 0; i < (q ? 5 : SERVERINIT_RUNS); i++) for (const r of routes) (init[r.name] ??= []).push(await serverInitMs(r, signal));
  });

  const conns = await step('open-connections', 15_000, (signal) =>
    Promise.all(
      routes.map(async (r) => {
        const c = await r.open('qemu', signal);
        return { r, c, init: await rfbHandshake(c) };
      }),
    ),
  );
  const ping: Record<string, number[]> = {};
  await step('latency', 40_000, async () => {
    for (let i = 0; i < (q ? 50 : PING_RUNS); i++) for (const x of conns) (ping[x.r.name] ??= []).push(await pingMs(x.c, x.init));
  });

  const tput: Record<string, number[]> = {};
  await step('throughput', 60_000, async () => {
    for (let i = 0; i < (q ? 1 : THROUGHPUT_ROUNDS); i++)
      for (const x of conns) (tput[x.r.name] ??= []).push(await fullFramesBytesPerSecond(x.c, x.init, q ? 500 : THROUGHPUT_MS));
  });
  for (const x of conns) x.c.close();

  const cap: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  await step('capacity', 60_000, async (signal) => {
    for (let i = 0; i < (q ? 1 : CAPACITY_ROUNDS); i++) {
      for (const r of routes) {
        const m = await capacity(r, capacityBytes, signal);
        (cap[r.name] ??= []).push(m.rate);
        if (m.cpuMsPerMB !== null) (cpu[r.name] ??= []).push(m.cpuMsPerMB);
      }
    }
  });

  const out: Record<string, number> = { 'console.loadavg_1m': round(os.loadavg()[0]!, 2) };
  const mb = (x: number) => round(x / 1e6, 2);
  const directPing = median(ping.direct!);
  const directTput = median(tput.direct!);
  const directCap = median(cap.direct!);
  out['console.direct_serverinit_ms_median'] = round(median(init.direct!));
  out['console.direct_latency_ms_median'] = round(directPing);
  out['console.direct_throughput_MBps'] = mb(directTput);
  out['console.direct_capacity_MBps'] = mb(directCap);
  for (const [name, prefix] of [
    ['proxy', 'console.proxy'],
    ['websockify', 'console.websockify'],
  ] as const) {
    if (!init[name]) continue;
    out[`${prefix}_serverinit_ms_median`] = round(median(init[name]!));
    out[`${prefix}_latency_ms_median`] = round(median(ping[name]!));
    out[`${prefix}_added_latency_ms_median`] = round(median(ping[name]!) - directPing);
    out[`${prefix}_throughput_MBps`] = mb(median(tput[name]!));
    out[`${prefix}_throughput_ratio`] = round(median(tput[name]!) / directTput);
    out[`${prefix}_capacity_MBps`] = mb(median(cap[name]!));
    out[`${prefix}_capacity_ratio`] = round(median(cap[name]!) / directCap);
    out[`${prefix}_cpu_ms_per_MB`] = round(median(cpu[name]!));
  }
  // The proxy against the other relay: above 1, nova-novncproxy moves more than websockify.
  if (tput.websockify) out['console.proxy_vs_websockify_throughput_ratio'] = round(median(tput.proxy!) / median(tput.websockify));
  if (cap.websockify) out['console.proxy_vs_websockify_capacity_ratio'] = round(median(cap.proxy!) / median(cap.websockify));
  // The names the targets are written against.
  out['console.serverinit_ms_median'] = out['console.proxy_serverinit_ms_median']!;
  out['console.added_latency_ms_median'] = out['console.proxy_added_latency_ms_median']!;
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSection({ name: 'console', budgetMs: 120_000, run: benchConsole }, { quick: process.argv.includes('--quick') }).then(
    (r) => {
      process.stdout.write(JSON.stringify({ ...r.figures, timed_out: r.timedOut, error: r.error }, null, 2) + '\n');
      process.exit(0);
    },
    (err: Error) => {
      process.stderr.write(`console bench failed: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
