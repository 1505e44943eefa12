// `novalab up`: prepare the state directory, validate nova.conf and the topology, check every
// port, start the bus, the services and the lab server, and keep them running until stopped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { Broker } from '../bus/broker.js';
import { redactSecrets } from '../bus/redact.js';
import { BusClient } from '../bus/client.js';
import { rpcClient } from '../bus/rpc.js';
import { readNovaConf, type NovaConf } from '../config/nova-conf.js';
import { loadTopology } from '../config/topology.js';
import type { StatePaths } from '../config/state-dir.js';
import { appRoot, distPath } from '../common/app-root.js';
import { portIsFree, listen } from '../common/http/listen.js';
import { keystoneValidator } from '../common/http/keystone-auth.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import { LAB_TOPIC, type StepAnnouncement } from '../rpc/lab-api.js';
import type { RequestContext } from '../../contract/events.js';
import { allPortClaims, duplicatePorts, planServices, spawnOrder, type ServicePlanEntry } from './service-plan.js';
import { Supervisor } from './supervisor.js';
import { StepGate } from './step-gate.js';
import { EventLog } from './event-log.js';
import { prepareStateDir, writeControlSecret } from './prepare-state.js';
import { renderCloudsYaml, renderOpenrc } from './openrc.js';
import { buildImages, imagesCurrent } from './guest-images.js';
import { stopOrphans, writePids } from './orphans.js';
import { onPath, qemuProblems } from './qemu-preflight.js';
import { holdSummary } from './event-scope.js';
import { summaryOf } from '../../contract/messages.js';

export interface LaunchOptions {
  stateDir: string;
  portOffset: number;
  print: (line: string) => void;
}

export interface RunningLab {
  paths: StatePaths;
  conf: NovaConf;
  plan: ServicePlanEntry[];
  supervisor: Supervisor;
  guiUrl: string;
  stop(): Promise<void>;
}

export class LaunchError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'LaunchError';
  }
}

export async function launch(opts: LaunchOptions): Promise<RunningLab> {
  const paths = prepareStateDir(opts.stateDir);
  // Before anything else: a killed launcher's services must not meet this one's.
  await stopOrphans(paths.pidsFile, opts.print);
  const { conf, errors } = readNovaConf(paths.novaConf, {
    portOffset: opts.portOffset,
  });
  const { topology, errors: topoErrors } = loadTopology(errors.length ? 'default' : conf.str('novalab.topology'), paths.topology);
  if (errors.length || topoErrors.length)
    throw new LaunchError([
      ...errors.map((e) => `nova.conf: ${e}`),
      ...topoErrors,
      ...(errors.length
        ? [`Correct it in ${paths.novaConf} (each option is explained there), or delete the file to get the defaults.`]
        : []),
    ]);
  if (conf.str('compute_driver') === 'qemu') {
    const noQemu = qemuProblems((b) => onPath(b), process.platform);
    if (noQemu.length) throw new LaunchError(noQemu);
  }
  const root = fs.realpathSync(appRoot());
  // Node's permission model checks real paths: a node_modules linked from elsewhere must be readable too.
  const modulesDir = fs.realpathSync(path.join(root, 'node_modules'));
  const plan = planServices(conf, topology, {
    appRoot: root,
    stateDir: fs.realpathSync(paths.root),
    modulesDir,
  });
  const claims = allPortClaims(conf, plan);
  const clash = duplicatePorts(claims);
  if (clash.length) throw new LaunchError(clash);
  // The image check (a script) runs while the ports are checked, all at once.
  const imagesReady = imagesCurrent();
  const free = await Promise.all(claims.map((c) => portIsFree(c.host, c.port)));
  const taken = claims.filter((_, i) => !free[i]).map((c) => `port ${c.port} (${c.what}) on ${c.host} is already in use`);
  if (taken.length)
    throw new LaunchError([...taken, 'Stop what holds it, or start with --port-offset N to move every port of the lab by N.']);

  // The lab's images are part of the lab: glance registers them at start.
  if (!(await imagesReady)) await buildImages(opts.print);

  const events = new EventLog();
  const broker = new Broker();
  broker.onEvent((e) => events.add(e));
  const gate = new StepGate((holds, enabled) =>
    broker.emit({
      kind: 'hold',
      source: 'novalab',
      ...summaryOf(holdSummary(enabled, holds.length)),
      detail: { enabled, holds },
    }),
  );
  broker.onClientGone((clientId) => gate.callerGone(clientId));
  broker.serveLocal(LAB_TOPIC, async (method, args, ctx, caller) => {
    if (method !== 'step') throw new Error(`lab has no method ${method}`);
    // A held step is shown by GET /lab/api/step-mode and in hold events: no secrets in it either.
    const a = redactSecrets(args[0]) as StepAnnouncement;
    // The caller is the process that really waits: the hold names it (service, host, pid, worker).
    // A hold whose process went away ends without the step: no event says it happened.
    if (!(await gate.pass(a, ctx ?? {}, caller))) return null;
    broker.emit({
      kind: 'step',
      source: 'novalab',
      step: a.step,
      ctx,
      summary: a.summary,
      ...(a.message ? { message: a.message } : {}),
      detail: a.detail,
    });
    return null;
  });
  const busPort = await broker.listen();
  const launcherBus = new BusClient('novalab-launcher');
  await launcherBus.connect(busPort, broker.secret);
  const conductor = rpcClient<ConductorApi>(launcherBus, 'conductor');

  const supervisor = new Supervisor({
    distDir: distPath(),
    logsDir: paths.logs,
    env: {
      NOVALAB_STATE_DIR: paths.root,
      NOVALAB_BUS_PORT: String(busPort),
      NOVALAB_BUS_SECRET: broker.secret,
      NOVALAB_PORT_OFFSET: String(opts.portOffset),
    },
    onEvent: (said, detail) => {
      const { summary, message } = summaryOf(said);
      broker.emit({ kind: 'service', source: 'novalab', summary, message, detail });
      opts.print(summary);
    },
    onPidsChanged: () => recordPids(),
  });
  const recordPids = () =>
    writePids(paths.pidsFile, {
      launcher: process.pid,
      services: supervisor
        .list()
        .flatMap((s) =>
          [s.pid, ...s.workerPids].filter((p): p is number => p !== null).map((pid) => ({ binary: s.binary, host: s.host, pid })),
        ),
    });
  const listenHost = conf.str('novalab.listen');
  const guiUrl = `http://${listenHost}:${conf.int('novalab.gui_port')}/`;
  const identityUrl = `http://${listenHost}:${conf.int('novalab.keystone_port')}`;
  const controlSecret = writeControlSecret(paths);
  let labServer: Server | null = null;

  const stop = async () => {
    await supervisor.stopAll();
    labServer?.close();
    launcherBus.close();
    broker.close();
    fs.rmSync(paths.runFile, { force: true });
    fs.rmSync(paths.pidsFile, { force: true });
  };

  try {
    // A service that refuses to start (e.g. its database is missing or corrupt) says why in
    // one sentence; that sentence is the launcher's refusal.
    supervisor.register(plan); // listed in plan order, spawned longest start first
    const services = Promise.all(spawnOrder(plan).map((p) => supervisor.start(p))).catch((err: Error) => {
      throw new LaunchError([err.message]);
    });
    // The services are spawned; the lab server's code (express, ws) loads and listens while
    // they start, not before them.
    const gui = startLabServer();
    await Promise.all([services, gui]).catch(async (err: unknown) => {
      await gui.catch(() => undefined); // listening or failed: never a server left behind stop()
      throw err;
    });
  } catch (err) {
    await stop();
    throw err;
  }

  async function startLabServer(): Promise<void> {
    const [{ createLabServer }, { labHandlers }] = await Promise.all([import('./lab-server.js'), import('./lab-handlers.js')]);
    labServer = await listen(
      createLabServer({
        rendererDir: distPath('renderer'),
        routes: [
          {
            prefix: '/identity',
            target: {
              host: listenHost,
              port: conf.int('novalab.keystone_port'),
            },
            stripPrefix: true,
          },
          {
            prefix: '/compute',
            target: {
              host: conf.str('osapi_compute_listen'),
              port: conf.int('osapi_compute_listen_port'),
            },
            stripPrefix: true,
          },
          {
            prefix: '/image',
            target: { host: listenHost, port: conf.int('novalab.glance_port') },
            stripPrefix: true,
          },
        ],
        validator: keystoneValidator(identityUrl),
        controlSecret,
        events,
        subscribe: (l) => broker.onEvent(l),
        handlers: labHandlers({
          paths,
          conf: () => readNovaConf(paths.novaConf, { portOffset: opts.portOffset }),
          conductor,
          supervisor,
          gate,
          guiUrl,
          identityUrl,
          portOffset: opts.portOffset,
        }),
      }),
      listenHost,
      conf.int('novalab.gui_port'),
      'novalab gui',
    );
  }

  const creds = {
    authUrl: `${identityUrl}/v3`,
    username: 'admin',
    password: conf.str('novalab.admin_password'),
    project: 'admin',
  };
  fs.writeFileSync(paths.openrc, renderOpenrc(creds), { mode: 0o600 });
  fs.writeFileSync(paths.cloudsYaml, renderCloudsYaml(creds), { mode: 0o600 });
  fs.writeFileSync(
    paths.runFile,
    JSON.stringify(
      {
        pid: process.pid,
        host: os.hostname(),
        started_at: new Date().toISOString(),
        gui_url: guiUrl,
        port_offset: opts.portOffset,
        compute_node_args: plan.find((p) => p.binary === 'nova-compute')?.nodeArgs ?? [],
      },
      null,
      2,
    ),
  );

  for (const s of supervisor.list()) {
    const workers = s.workerPids.length ? ` workers=${s.workerPids.join(',')}` : '';
    opts.print(`${s.binary.padEnd(17)} host=${s.host.padEnd(8)} pid=${String(s.pid).padEnd(8)} port=${s.ports.join(',') || '-'}${workers}`);
  }
  opts.print(`gui               ${guiUrl}`);
  // The origin consoles open from (novncproxy_base_url): the desktop shell allows it in its CSP.
  opts.print(`console           ${new URL(conf.str('novncproxy_base_url')).origin}`);
  opts.print(`openrc            ${paths.openrc}`);
  return { paths, conf, plan, supervisor, guiUrl, stop };
}

export type { RequestContext };
