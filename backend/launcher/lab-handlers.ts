// What the lab endpoints do: read the supervisor and the conductor, drive step mode, edit
// nova.conf (validated before it is written) and restart services so a change applies.
import fs from 'node:fs';
import type { StatePaths } from '../config/state-dir.js';
import { resolveNovaConf, setOptions, type ConfValue, type NovaConf, optionKey } from '../config/nova-conf.js';
import type { RpcClient } from '../bus/rpc.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import { toServiceRow } from '../shared/service-health.js';
import { NOVA_CONF_OPTIONS } from '../../contract/nova-conf-options.js';
import type { Supervisor } from './supervisor.js';
import type { StepGate } from './step-gate.js';
import type { LabHandlers } from './lab-server.js';
import { LabFailure } from './lab-routes.js';
import { apiWorkerGroups, hostArchitecture, readBeforeChange } from './lab-architecture.js';
import { serviceKey } from './supervisor.js';

export interface LabHandlerDeps {
  paths: StatePaths;
  conf: () => { conf: NovaConf; errors: string[] };
  conductor: RpcClient<ConductorApi>;
  supervisor: Supervisor;
  gate: StepGate;
  guiUrl: string;
  identityUrl: string;
  portOffset: number;
}

export function labHandlers(d: LabHandlerDeps): LabHandlers {
  return {
    info: () => ({
      name: 'novalab',
      gui_url: d.guiUrl,
      identity: '/identity/v3',
      compute: '/compute/v2.1',
      image: '/image',
      region: 'RegionOne',
    }),
    async services() {
      const { conf } = d.conf();
      const records = await d.conductor
        .with({ timeoutMs: 5000 })
        .service_list()
        .catch(() => []);
      const now = Date.now();
      return {
        processes: d.supervisor.list(),
        services: records.map((r) => toServiceRow(r, now, conf.int('service_down_time'))),
      };
    },
    async architecture() {
      const { conf } = d.conf();
      const filters = conf.list('scheduler_default_filters');
      // nova-api's workers are the launcher's own knowledge: they are answered even while the conductor is away.
      const nodes = await d.conductor
        .with({ timeoutMs: 5000 })
        .compute_node_list()
        .catch(() => null);
      const api = d.supervisor.workerGroups(serviceKey({ binary: 'nova-api', host: '' }));
      return {
        launcher_pid: process.pid,
        api_workers: apiWorkerGroups(api.masterPid, api.groups),
        hosts: nodes && nodes.sort((a, b) => a.host.localeCompare(b.host)).map((n) => hostArchitecture(n, filters)),
        enabled_filters: filters,
        stale_conf: readBeforeChange(d.supervisor.list(), fs.statSync(d.paths.novaConf).mtimeMs),
      };
    },
    stepMode: () => ({ enabled: d.gate.stepMode, holds: d.gate.holds() }),
    setStepMode: (on) => {
      d.gate.setStepMode(on);
      return { enabled: d.gate.stepMode, holds: d.gate.holds() };
    },
    next: (requestId) => ({ released: d.gate.next(requestId), holds: d.gate.holds() }),
    config() {
      const text = fs.readFileSync(d.paths.novaConf, 'utf8');
      const { conf, errors } = resolveNovaConf(text, { portOffset: d.portOffset });
      return {
        text,
        errors,
        options: NOVA_CONF_OPTIONS,
        values: Object.fromEntries(NOVA_CONF_OPTIONS.map((o) => [optionKey(o), conf.values.get(optionKey(o)) ?? null])),
      };
    },
    async updateConfig(body) {
      const changes = (body as { changes?: { section: string; name: string; value: ConfValue | null }[] }).changes;
      if (!Array.isArray(changes)) throw new LabFailure('config_changes_expected');
      const unknown = changes.filter((c) => !NOVA_CONF_OPTIONS.some((o) => o.section === c.section && o.name === c.name));
      if (unknown.length)
        throw new LabFailure('config_unknown_options', { options: unknown.map((c) => `[${c.section}] ${c.name}`).join(', ') });
      const next = setOptions(fs.readFileSync(d.paths.novaConf, 'utf8'), changes);
      const { errors } = resolveNovaConf(next, { portOffset: d.portOffset });
      if (errors.length) throw new LabFailure('config_invalid', { errors: errors.join('; ') }, { errors });
      const tmp = `${d.paths.novaConf}.tmp`;
      fs.writeFileSync(tmp, next, { mode: 0o600 });
      fs.renameSync(tmp, d.paths.novaConf);
      return this.config();
    },
    async restart(binary, host) {
      const restarted = await d.supervisor.restartService(binary, host);
      if (restarted.length === 0) throw new LabFailure('no_such_service', { binary, where: host ? ` on ${host}` : '' });
      return { restarted };
    },
  };
}
