// What every service process does first: take its OpenStack name (so `ps` shows nova-api,
// nova-compute …), read nova.conf from the state directory, join the bus, tell the launcher
// when it is ready, and stop cleanly when told to — or when the launcher is gone.
import { BusClient } from './client.js';
import { readNovaConf, type NovaConf } from '../config/nova-conf.js';
import { statePaths, type StatePaths } from '../config/state-dir.js';
import { createLogger, type Logger } from '../common/log.js';
import { LAB_SHUTDOWN_MESSAGE, type ServiceBinary } from '../../contract/services.js';
import type { PublishedEvent } from './wire.js';

export interface ServiceRuntime {
  binary: ServiceBinary;
  /** The lab host this process serves (nova-compute), or the machine's ("novalab"). */
  host: string;
  paths: StatePaths;
  conf: NovaConf;
  portOffset: number;
  bus: BusClient;
  log: Logger;
  /** Tell the launcher this service answers now. */
  ready(ports: number[]): void;
  /** Run before exit: on SIGTERM (this service is stopped or restarted, the lab goes on), or
   *  when the whole lab shuts down (the launcher says so, or is gone). */
  onShutdown(fn: (how: ShutdownKind) => Promise<void> | void): void;
  publish(event: PublishedEvent): void;
}

/** 'service': only this process stops (a restart); 'lab': the whole lab is going down. */
export type ShutdownKind = 'service' | 'lab';

export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: service processes are started by the novalab launcher`);
  return v;
}

/** nova.conf as a service reads it (a process that must act before startService resolves). */
export function readServiceConf(log: Logger = createLogger(process.title)): NovaConf {
  const paths = statePaths(requireEnv('NOVALAB_STATE_DIR'));
  const portOffset = Number(process.env.NOVALAB_PORT_OFFSET ?? 0);
  const { conf, errors } = readNovaConf(paths.novaConf, { portOffset });
  if (errors.length) {
    log.error(`nova.conf is invalid: ${errors.join('; ')}`);
    process.exit(78);
  }
  return conf;
}

export async function startService(binary: ServiceBinary): Promise<ServiceRuntime> {
  process.title = binary;
  const host = process.env.NOVALAB_HOST ?? 'novalab';
  const name = binary === 'nova-compute' ? `${binary}@${host}` : binary;
  const log = createLogger(name);
  const paths = statePaths(requireEnv('NOVALAB_STATE_DIR'));
  const portOffset = Number(process.env.NOVALAB_PORT_OFFSET ?? 0);
  const conf = readServiceConf(log);
  // A nova-api worker says which one it is (the master forked it with these): a step held in
  // it is then shown as "nova-api osapi_compute worker 1 (pid …)".
  const role = process.env.NOVA_API_ROLE;
  const index = Number(process.env.NOVA_API_WORKER);
  const bus = new BusClient(name, undefined, role && Number.isInteger(index) ? { role, index } : undefined);
  await bus.connect(Number(requireEnv('NOVALAB_BUS_PORT')), requireEnv('NOVALAB_BUS_SECRET'));
  const hooks: ((how: ShutdownKind) => Promise<void> | void)[] = [];
  let stopping = false;
  const shutdown = async (why: string, how: ShutdownKind) => {
    if (stopping) return;
    stopping = true;
    log.info(`stopping (${why})`);
    const deadline = setTimeout(() => process.exit(1), 15_000);
    for (const fn of hooks.reverse()) {
      try {
        await fn(how);
      } catch (err) {
        log.error(`shutdown step failed: ${(err as Error).message}`);
      }
    }
    clearTimeout(deadline);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM', 'service'));
  process.on('SIGINT', () => void shutdown('SIGINT', 'service'));
  process.on('message', (msg: { type?: unknown } | null) => {
    if (msg?.type === LAB_SHUTDOWN_MESSAGE.type) void shutdown('the lab is shutting down', 'lab');
  });
  process.on('disconnect', () => void shutdown('launcher went away', 'lab'));
  bus.onClose = () => void shutdown('bus closed', 'lab');
  return {
    binary,
    host,
    paths,
    conf,
    portOffset,
    bus,
    log,
    ready: (ports) => {
      process.send?.({ type: 'ready', ports });
      log.info(`ready${ports.length ? ` on port(s) ${ports.join(', ')}` : ''}`);
    },
    onShutdown: (fn) => {
      hooks.push(fn);
    },
    publish: (event) => bus.publish(event),
  };
}

/** Run a service's main and turn a start-up failure into a clear message and exit code. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: Error) => {
    process.stderr.write(`${process.title}: ${err.message}\n`);
    process.send?.({ type: 'fatal', message: err.message });
    process.exit(1);
  });
}
