// The lab's own endpoints on the GUI origin (/lab/api): services and processes, events,
// step mode, nova.conf and restarts.
import type { LabEvent } from '../../../contract/events';
import type { ServiceProcess, ServiceRow } from '../../../contract/services';
import type { ConfOption } from '../../../contract/nova-conf-options';
import type { RequestContext } from '../../../contract/events';
import type { BootStepId, ConsoleStepId } from '../../../contract/boot-steps';
import { request } from './http';

const SERVICE = 'novalab';

export interface LabInfo { name: string; gui_url: string; identity: string; compute: string; image: string; region: string }

/** One step held by step mode (the launcher's StepGate.Hold, as JSON). */
export interface Hold {
  id: number;
  since: string;
  ctx: RequestContext;
  announcement: { step: BootStepId | ConsoleStepId; summary: string; detail?: unknown };
}

export interface StepModeState { enabled: boolean; holds: Hold[] }

export type ConfValue = number | boolean | string | string[] | null;

export interface LabConfig {
  text: string;
  errors: string[];
  options: ConfOption[];
  values: Record<string, ConfValue>;
}

export interface ConfChange { section: string; name: string; value: ConfValue }

/** The key /lab/api/config uses in `values`: the name for [DEFAULT], else "section.name". */
export const confKey = (o: { section: string; name: string }) => (o.section === 'DEFAULT' ? o.name : `${o.section}.${o.name}`);

export function createLab(token: string) {
  const opts = (method = 'GET', body?: unknown) => ({ method, body, token });
  return {
    services: async () => (await request<{ processes: ServiceProcess[]; services: ServiceRow[] }>(SERVICE, '/lab/api/services', opts())).body,
    events: async (since: number, filter: { request_id?: string; instance_uuid?: string } = {}) => {
      const q = new URLSearchParams({ since: String(since) });
      if (filter.request_id) q.set('request_id', filter.request_id);
      if (filter.instance_uuid) q.set('instance_uuid', filter.instance_uuid);
      return (await request<{ events: LabEvent[] }>(SERVICE, `/lab/api/events?${q}`, opts())).body.events;
    },
    stepMode: async () => (await request<StepModeState>(SERVICE, '/lab/api/step-mode', opts())).body,
    setStepMode: async (enabled: boolean) => (await request<StepModeState>(SERVICE, '/lab/api/step-mode', opts('PUT', { enabled }))).body,
    next: async (requestId?: string) =>
      (await request<{ released: Hold | null; holds: Hold[] }>(SERVICE, '/lab/api/step-mode/next', opts('POST', requestId ? { request_id: requestId } : {}))).body,
    config: async () => (await request<LabConfig>(SERVICE, '/lab/api/config', opts())).body,
    saveConfig: async (changes: ConfChange[]) => (await request<LabConfig>(SERVICE, '/lab/api/config', opts('PUT', { changes }))).body,
    restart: async (binary: string) =>
      (await request<{ restarted: unknown[] }>(SERVICE, `/lab/api/services/${encodeURIComponent(binary)}/restart`, opts('POST', {}))).body,
  };
}

export async function labInfo(): Promise<LabInfo> {
  return (await request<LabInfo>(SERVICE, '/lab/api/info')).body;
}

export type LabApi = ReturnType<typeof createLab>;
