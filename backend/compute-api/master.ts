// The nova-api master: forks the workers of the three APIs with node:cluster (they share each
// port through it), says ready once every worker listens, tells the launcher the worker PIDs,
// and restarts a worker that dies. A port already taken stops the whole service, naming it.
import cluster, { type Worker } from 'node:cluster';
import { readServiceConf, startService } from '../bus/service-runtime.js';
import { apiGroups, type ApiGroup } from './worker-plan.js';
import type { ServiceLifeDetail } from '../../contract/service-health.js';
import { msg, summaryOf } from '../../contract/messages.js';

interface Slot {
  group: ApiGroup;
  index: number;
  worker: Worker | null;
  listening: boolean;
  startedAt: number;
  crashes: number;
  /** Times this slot's worker was started again. */
  restarts: number;
}

interface WorkerMessage {
  type?: string;
  message?: string;
}

/**
 * The Compute API's workers answer lists of up to 1,000 servers (a megabyte or two of JSON
 * each way): with the services' 1 MB young generation every such response was promoted and
 * swept from the old one. Node's default young generation (16 MB semi-spaces) for those
 * workers alone: idle memory does not change, a 1,000-server list takes ~2 ms less than at 8 MB.
 */
const OSAPI_SEMI_SPACE_MB = 16;

export function workerExecArgv(parentArgv: readonly string[], role: ApiGroup['role']): string[] {
  if (role !== 'osapi_compute') return [...parentArgv];
  return [...parentArgv.filter((a) => !a.startsWith('--max-semi-space-size')), `--max-semi-space-size=${OSAPI_SEMI_SPACE_MB}`];
}

export async function runMaster(): Promise<void> {
  // The workers need nothing of the master's bus connection: they are forked at once and the
  // master joins the bus meanwhile (under load, that handshake with the broker held them back).
  const runtime = startService('nova-api');
  runtime.catch(() => undefined); // awaited below; a failure ends the process there
  const groups = apiGroups(readServiceConf());
  const slots: Slot[] = groups.flatMap((group) =>
    Array.from({ length: group.count }, (_, index) => ({
      group,
      index,
      worker: null,
      listening: false,
      startedAt: 0,
      crashes: 0,
      restarts: 0,
    })),
  );
  let stopping = false;
  let started = false;

  const fatal = (message: string) => {
    stopping = true;
    for (const s of slots) s.worker?.process.kill('SIGKILL');
    process.stderr.write(`nova-api: ${message}\n`);
    process.send?.({ type: 'fatal', message });
    process.exit(1);
  };

  // Per API too (which workers answer which port), and who accepts its connections: with
  // node:cluster's round-robin policy the master accepts and hands each to the next worker.
  const pidsOf = (of: Slot[]) => of.map((s) => s.worker?.process.pid).filter((p): p is number => typeof p === 'number');
  const reportWorkers = () => {
    process.send?.({
      type: 'workers',
      pids: pidsOf(slots),
      groups: groups.map((g) => ({
        role: g.role,
        listen: g.host,
        port: g.port,
        pids: pidsOf(slots.filter((s) => s.group === g)),
        accepts: cluster.schedulingPolicy === cluster.SCHED_RR ? 'master' : 'workers',
      })),
    });
  };

  const fork = (slot: Slot) => {
    slot.listening = false;
    slot.startedAt = Date.now();
    cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, slot.group.role) });
    const w = cluster.fork({ NOVA_API_ROLE: slot.group.role, NOVA_API_WORKER: String(slot.index) });
    slot.worker = w;
    w.on('message', (msg: WorkerMessage) => {
      if (msg?.type === 'ready') {
        slot.listening = true;
        if (!started && slots.every((s) => s.listening)) {
          started = true;
          reportWorkers(); // before ready, so the launcher's summary lists the workers
          void runtime.then((rt) => rt.ready(groups.map((g) => g.port)));
        } else if (started) {
          void runtime.then((rt) => rt.log.info(`${slot.group.what} worker ${slot.index} is back (pid ${w.process.pid})`));
          reportWorkers();
        }
      } else if (msg?.type === 'port-in-use') {
        fatal(msg.message ?? `port ${slot.group.port} is already in use`);
      } else if (msg?.type === 'fatal' && !started) {
        fatal(`${slot.group.what} worker could not start: ${msg.message}`);
      }
    });
    w.on('exit', (code, signal) => {
      if (stopping || slot.worker !== w) return;
      slot.worker = null;
      const quick = Date.now() - slot.startedAt < 5_000;
      slot.crashes = quick ? slot.crashes + 1 : 0;
      if (!started) {
        fatal(`${slot.group.what} worker exited during start-up (code ${code}, signal ${signal})`);
        return;
      }
      const delay = Math.min(5_000, 100 * 2 ** slot.crashes);
      slot.restarts += 1;
      void runtime.then((rt) => {
        rt.log.warn(
          `${slot.group.what} worker ${slot.index} (pid ${w.process.pid}) died (code ${code}, signal ${signal}); restarting in ${delay} ms`,
        );
        const detail: ServiceLifeDetail = {
          event: 'crash',
          binary: 'nova-api',
          host: rt.host,
          pid: w.process.pid ?? null,
          exit: signal ? { signal, code: null } : { signal: null, code },
          plan: { action: slot.crashes > 1 ? 'backoff' : 'restart', delay_ms: delay, next_try_at: null, failures: slot.crashes || 1 },
          restarts: slot.restarts,
          worker: { role: slot.group.role, index: slot.index },
        };
        rt.publish({
          kind: 'service',
          ...summaryOf(msg('event.apiWorkerDied', { pid: w.process.pid ?? '-', role: slot.group.role, delay_ms: delay })),
          detail,
        });
      });
      reportWorkers();
      setTimeout(() => {
        if (!stopping) fork(slot);
      }, delay);
    });
  };

  for (const slot of slots) fork(slot);
  const rt = await runtime;
  rt.onShutdown(async () => {
    stopping = true;
    const alive = slots.map((s) => s.worker).filter((w): w is Worker => w !== null && !w.isDead());
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => w.process.kill('SIGKILL'), 10_000);
            w.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  });
}
