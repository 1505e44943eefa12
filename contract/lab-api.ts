// The lab's own HTTP API on the GUI origin (/lab/api/…): what each endpoint answers, and its
// one error shape with a catalogue of codes. The backend builds these bodies; the renderer
// reads them and shows each error code in the learner's language.
import type { BootStepId, ConsoleStepId } from './boot-steps.js';
import type { LabEvent, RequestContext } from './events.js';
import type { ConfOption, ConfValue } from './nova-conf-options.js';
import type { ServiceProcess, ServiceRow } from './services.js';

export const LAB_API = {
  info: '/lab/api/info',
  services: '/lab/api/services',
  events: '/lab/api/events',
  eventStream: '/lab/api/events/stream',
  stepMode: '/lab/api/step-mode',
  stepModeNext: '/lab/api/step-mode/next',
  config: '/lab/api/config',
  restart: '/lab/api/services/:binary/restart',
  architecture: '/lab/api/architecture',
} as const;

/** GET /lab/api/info (no token): where the APIs are under the GUI's origin. */
export interface LabInfo {
  name: string;
  gui_url: string;
  identity: string;
  compute: string;
  image: string;
  region: string;
}

/** GET /lab/api/services: the launcher's processes and the services' records (nova service-list). */
export interface LabServices {
  processes: ServiceProcess[];
  services: ServiceRow[];
}

/** GET /lab/api/events?since=N[&request_id=…][&instance_uuid=…]: the events the caller may see. */
export interface LabEvents {
  events: LabEvent[];
}

/** One request held by step mode before a step. */
export interface Hold {
  id: number;
  since: string;
  ctx: RequestContext;
  announcement: { step: BootStepId | ConsoleStepId; summary: string; detail?: unknown };
}

/** GET/PUT /lab/api/step-mode. */
export interface StepModeState {
  enabled: boolean;
  holds: Hold[];
}

/** POST /lab/api/step-mode/next: the hold released (if any) and those left. */
export interface StepModeNext {
  released: Hold | null;
  holds: Hold[];
}

/** A value as the lab API carries it: null for an option that has none. */
export type LabConfValue = ConfValue | null;

/** GET/PUT /lab/api/config: nova.conf's text, its errors, the option table and every resolved value. */
export interface LabConfig {
  text: string;
  errors: string[];
  options: readonly ConfOption[];
  values: Record<string, LabConfValue>;
}

/** PUT /lab/api/config body: the options to set (null: back to the commented default). */
export interface ConfChange {
  section: string;
  name: string;
  value: LabConfValue;
}
export interface LabConfigUpdate {
  changes: ConfChange[];
}

/** POST /lab/api/services/:binary/restart: the processes started again. */
export interface LabRestart {
  restarted: ServiceProcess[];
}

/** The three APIs nova-api serves, each on its port with its own workers (the course's homework). */
export type ApiRole = 'osapi_compute' | 'metadata' | 'ec2';

/** One API of nova-api: the master holds its listening socket, these workers answer its requests. */
export interface ApiWorkerGroup {
  role: ApiRole;
  /** The nova.conf option that sets how many workers: osapi_compute_workers, metadata_workers, ec2_workers. */
  option: string;
  listen: string;
  port: number;
  master_pid: number | null;
  worker_pids: number[];
  /**
   * Who accepts the connections: 'master' (node:cluster round-robin: the master accepts and
   * hands each connection to the next worker) or 'workers' (each worker accepts on the shared socket).
   */
  accepts: 'master' | 'workers';
}

/** One allocation ratio of a host and where the scheduler takes it from. */
export interface RatioSource {
  key: 'cpu_allocation_ratio' | 'ram_allocation_ratio' | 'disk_allocation_ratio';
  /** The value the scheduler uses. */
  value: number;
  /** 'nova.conf': the host's nova-compute reported it from nova.conf; 'aggregate': its aggregates' metadata (the minimum). */
  source: 'nova.conf' | 'aggregate';
  /** The host's own ratio, from nova.conf as its nova-compute read it at start. */
  conf_value: number;
  /** The aggregates whose metadata sets the key, with their values. */
  aggregates: { name: string; value: string }[];
  /** The filter that reads the aggregates' value (AggregateCoreFilter, …) and whether it is enabled. */
  filter: string;
  filter_enabled: boolean;
}

/** One compute host as its nova-compute reported it: what it can run and its ratios. */
export interface HostArchitecture {
  host: string;
  /** The architectures of its supported_instances. */
  architectures: string[];
  supported_instances: [string, string, string][];
  cpu_info: Record<string, unknown>;
  hypervisor_type: string;
  accelerator: string;
  capabilities: Record<string, string>;
  aggregates: string[];
  ratios: RatioSource[];
}

/** GET /lab/api/architecture (admin): nova-api's processes per port, the hosts' capabilities and ratios. */
export interface LabArchitecture {
  /** The launcher: it supervises the services and runs the embedded message broker. */
  launcher_pid: number;
  api_workers: ApiWorkerGroup[];
  /** null: nova-conductor (which keeps the compute nodes) did not answer. */
  hosts: HostArchitecture[] | null;
  /** scheduler_default_filters as nova.conf says now. */
  enabled_filters: string[];
  /** Running services that read nova.conf before its last change (they use what they read then). */
  stale_conf: string[];
}

/**
 * Every error the lab API answers, by code: its HTTP status and its English text with
 * {{parameters}}. The GUI translates the code (labErrors.<code>) with the same parameters.
 */
export const LAB_ERRORS = {
  auth_required: { status: 401, text: 'The request you have made requires authentication.' },
  admin_required: { status: 403, text: 'This lab action needs the admin role.' },
  no_endpoint: { status: 404, text: 'There is no lab endpoint {{method}} {{path}}.' },
  method_not_allowed: { status: 405, text: '{{method}} is not allowed on {{path}}.' },
  websocket_only: { status: 426, text: 'Open this path as a WebSocket.' },
  body_unreadable: { status: 400, text: 'The request body could not be read.' },
  body_too_large: { status: 413, text: 'The request body is larger than {{limit}} bytes.' },
  body_too_deep: { status: 400, text: 'The request body is nested deeper than {{depth}} levels.' },
  malformed_json: { status: 400, text: 'The request body is not valid JSON.' },
  config_changes_expected: { status: 400, text: 'Expected {"changes":[{"section","name","value"}]}.' },
  config_unknown_options: { status: 400, text: 'Unknown option(s): {{options}}.' },
  config_invalid: { status: 400, text: 'nova.conf would be invalid: {{errors}}' },
  no_such_service: { status: 404, text: 'There is no service {{binary}}{{where}}.' },
  internal: { status: 500, text: "The lab could not answer this request; the launcher's output says why." },
} as const satisfies Record<string, { status: number; text: string }>;

export type LabErrorCode = keyof typeof LAB_ERRORS;
export type LabErrorParams = Record<string, string | number>;

/** The one error shape of the lab API: keystone's (its tokens are the lab's), plus the code. */
export interface LabErrorBody {
  error: { code: number; title: string; message: string; key: LabErrorCode; params: LabErrorParams };
  /** config_invalid: every error nova.conf would have. */
  errors?: string[];
}

/** The English text of an error code with its parameters filled in. */
export function labErrorText(code: LabErrorCode, params: LabErrorParams = {}): string {
  return LAB_ERRORS[code].text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
}

export const isLabErrorCode = (key: unknown): key is LabErrorCode => typeof key === 'string' && Object.hasOwn(LAB_ERRORS, key);
