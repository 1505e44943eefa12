// Everything that crosses the bus is also an observable event; the GUI's step views are
// drawn from these. One shape for all of them.
import type { BootStepId, ConsoleStepId } from './boot-steps.js';
import type { LabMessage } from './messages.js';

/** Carried with every bus message so events can be tied to the request that caused them. */
export interface RequestContext {
  request_id?: string;
  instance_uuid?: string;
  user_id?: string;
  project_id?: string;
  is_admin?: boolean;
}

export type LabEventKind =
  | 'rpc.call' // a call was sent (request/reply)
  | 'rpc.reply' // its reply
  | 'rpc.cast' // fire-and-forget
  | 'step' // a boot or console step happened (with its detail)
  | 'service' // a service process started, stopped, died, restarted
  | 'http' // an API request/response summary
  | 'progress' // a long operation's progress (image fetch, upload)
  | 'hold' // step mode is holding a request before a step
  | 'fault'; // an instance's fault (a failed boot, a refused move): Nova's English as summary, by code as message

export interface LabEvent {
  seq: number;
  ts: string;
  kind: LabEventKind;
  /** The process that emitted it, e.g. "nova-api", "nova-compute@host-a". */
  source: string;
  topic?: string;
  method?: string;
  ctx?: RequestContext;
  step?: BootStepId | ConsoleStepId;
  summary: string;
  /** `summary` by code, for the GUI to translate (events that explain what happened). */
  message?: LabMessage;
  detail?: unknown;
}
