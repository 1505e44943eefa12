// The lab's own endpoints on the GUI origin (/lab/api): services and processes, events,
// step mode, nova.conf and restarts. Their answers are the contract's (contract/lab-api.ts).
import {
  LAB_API,
  type ConfChange,
  type LabArchitecture,
  type LabConfValue,
  type LabConfig,
  type LabEvents,
  type LabInfo,
  type LabRestart,
  type LabServices,
  type StepModeNext,
  type StepModeState,
} from '../../../contract/lab-api';
import { request } from './http';

export type { ConfChange, Hold, LabArchitecture, LabConfig, LabInfo, StepModeState } from '../../../contract/lab-api';
export { optionKey as confKey } from '../../../contract/nova-conf-options';
export type ConfValue = LabConfValue;

const SERVICE = 'novalab';

export function createLab(token: string) {
  const opts = (method = 'GET', body?: unknown) => ({ method, body, token });
  return {
    services: async () => (await request<LabServices>(SERVICE, LAB_API.services, opts())).body,
    events: async (since: number, filter: { request_id?: string; instance_uuid?: string } = {}) => {
      const q = new URLSearchParams({ since: String(since) });
      if (filter.request_id) q.set('request_id', filter.request_id);
      if (filter.instance_uuid) q.set('instance_uuid', filter.instance_uuid);
      return (await request<LabEvents>(SERVICE, `${LAB_API.events}?${q}`, opts())).body.events;
    },
    stepMode: async () => (await request<StepModeState>(SERVICE, LAB_API.stepMode, opts())).body,
    setStepMode: async (enabled: boolean) => (await request<StepModeState>(SERVICE, LAB_API.stepMode, opts('PUT', { enabled }))).body,
    next: async (requestId?: string) =>
      (await request<StepModeNext>(SERVICE, LAB_API.stepModeNext, opts('POST', requestId ? { request_id: requestId } : {}))).body,
    config: async () => (await request<LabConfig>(SERVICE, LAB_API.config, opts())).body,
    saveConfig: async (changes: ConfChange[]) => (await request<LabConfig>(SERVICE, LAB_API.config, opts('PUT', { changes }))).body,
    /** Admin only: nova-api's pids per port, each host's capabilities and ratios with their source. */
    architecture: async () => (await request<LabArchitecture>(SERVICE, LAB_API.architecture, opts())).body,
    restart: async (binary: string) =>
      (await request<LabRestart>(SERVICE, LAB_API.restart.replace(':binary', encodeURIComponent(binary)), opts('POST', {}))).body,
  };
}

export async function labInfo(): Promise<LabInfo> {
  return (await request<LabInfo>(SERVICE, LAB_API.info)).body;
}

export type LabApi = ReturnType<typeof createLab>;
