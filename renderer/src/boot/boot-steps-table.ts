// The twelve boot steps as data: for each step, which rpc messages belong to it by themselves,
// when it counts as done, when it is where a request failed, and what the GUI's own launch
// record says for it. boot-model.ts only renders this table over a request's events.
import type { BootStepId } from '../../../contract/boot-steps';
import type { LabEvent } from '../../../contract/events';
import type { ScheduleTrace } from '../../../contract/scheduler';
import type { LaunchRecord } from './launch-record';

export interface ImageProgress {
  name: string;
  bytes: number;
  total: number | null;
  cached: boolean;
}

/** What is known of one request when its steps are judged. */
export interface StepFacts {
  launch: LaunchRecord | null;
  /** Steps that an event of their own reported. */
  happened: ReadonlySet<BootStepId>;
  trace: ScheduleTrace | null;
  /** nova-compute reported the QEMU process it started. */
  driverStarted: boolean;
  images: ImageProgress[];
  finished: 'ACTIVE' | 'ERROR' | null;
}

/** A line the GUI builds itself: an i18n key and its parameters, rendered in the learner's language. */
export interface StepMessage {
  key: string;
  params: Record<string, string | number>;
  /** Parameters that are lists of names with a translation each: parameter → key prefix. */
  translate?: Record<string, string>;
  /** Parameters that are ISO times, written in the learner's language. */
  times?: string[];
}

/** What the GUI itself sent or got for a step of its own launch, and the line that says it
 *  (`summary` in English, for logs and tests; `message` for the screen). */
export interface LocalPart {
  local: unknown;
  summary: string | null;
  message?: StepMessage | null;
}

export interface StepRule {
  id: BootStepId;
  /** rpc messages that name this step by themselves. */
  rpc?: { topic: (topic: string) => boolean; methods: readonly string[] };
  /** With no step event of its own, the step is summed up by those rpc messages. */
  rpcSummary?: boolean;
  /** When the step is done; by default when an event of its own reported it. */
  done?: (f: StepFacts) => boolean;
  /** When the request failed at this step (the first step in table order that says so). */
  failed?: (f: StepFacts) => boolean;
  /** The GUI's own part of the step, for a launch it made. */
  local?: (launch: LaunchRecord, summary: string | null) => LocalPart;
}

const deniedPost = (f: StepFacts) => f.launch?.postError?.status === 401 || f.launch?.postError?.status === 403;
const otherPostError = (f: StepFacts) => !!f.launch?.postError && !deniedPost(f);
const loggedIn = (f: StepFacts) => !!f.launch?.auth || (!f.launch && f.happened.has('api.request'));
const imageInCache = (f: StepFacts) =>
  f.driverStarted || (f.images.length > 0 && f.images.every((i) => i.cached || (i.total !== null && i.bytes >= i.total)));

export const BOOT_STEP_TABLE: readonly StepRule[] = [
  {
    id: 'identity.credentials',
    done: loggedIn,
    failed: (f) => !!f.launch?.authError,
    local: (l) => {
      if (!l.auth) return { local: l.authError ? { error: l.authError } : null, summary: l.authError ?? null };
      const { method, path, body } = l.auth.request;
      const methods = (body as { auth: { identity: { methods: string[] } } }).auth.identity.methods.join(', ');
      return {
        local: l.auth.request,
        summary: `${method} ${path} (method: ${methods})`,
        message: { key: 'bootSummary.credentials', params: { method, path, methods }, translate: { methods: 'authMethods' } },
      };
    },
  },
  {
    id: 'identity.token',
    done: loggedIn,
    local: (l, summary) => {
      if (!l.auth) return { local: null, summary };
      const r = l.auth.response;
      const params = {
        status: r.status,
        user: r.info.user.name,
        project: r.info.project?.name ?? '-',
        roles: (r.info.roles ?? []).map((x) => x.name).join(', '),
        expires: r.info.expires_at,
      };
      return {
        local: r,
        summary: `${params.status}: token for ${params.user}@${params.project}, roles ${params.roles}, expires ${params.expires}`,
        message: { key: 'bootSummary.token', params, times: ['expires'] },
      };
    },
  },
  {
    id: 'api.request',
    failed: (f) => otherPostError(f) && !f.happened.has('api.policy'),
    local: (l, summary) => ({
      local: {
        method: 'POST',
        path: '/compute/v2.1/servers',
        body: l.body,
        response: l.requestId ? { status: 202, 'x-openstack-request-id': l.requestId, server_id: l.serverId } : (l.postError ?? null),
      },
      summary: !summary && l.postError ? `${l.postError.status}: ${l.postError.message}` : summary,
    }),
  },
  { id: 'api.policy', failed: deniedPost },
  {
    id: 'conductor.record',
    rpc: { topic: (t) => t === 'conductor', methods: ['instance_create', 'action_start', 'build_instances'] },
    rpcSummary: true,
    done: (f) => f.happened.has('conductor.record') || f.happened.has('scheduler.call'),
    failed: (f) => otherPostError(f) && f.happened.has('api.policy'),
  },
  { id: 'scheduler.call', rpc: { topic: (t) => t === 'scheduler', methods: ['select_destinations'] } },
  { id: 'scheduler.decide', done: (f) => !!f.trace?.chosen, failed: (f) => !!f.trace && !f.trace.chosen },
  { id: 'compute.cast', rpc: { topic: (t) => t.startsWith('compute.'), methods: ['build_and_run_instance'] } },
  { id: 'compute.network' },
  { id: 'compute.driver', done: (f) => f.driverStarted || f.finished === 'ACTIVE' },
  { id: 'compute.image', done: (f) => (f.happened.has('compute.image') && imageInCache(f)) || f.finished === 'ACTIVE' },
  {
    id: 'api.poll',
    done: (f) => f.finished === 'ACTIVE',
    local: (l, summary) => {
      const last = l.polls[l.polls.length - 1];
      if (!last) return { local: l.polls, summary };
      const path = `/compute/v2.1/servers/${l.serverId}`;
      return {
        local: l.polls,
        summary: `GET ${path} → ${last.status}${last.task_state ? ` (${last.task_state})` : ''} · ${l.polls.length}×`,
        message: {
          key: last.task_state ? 'bootSummary.pollTask' : 'bootSummary.poll',
          params: { path, status: last.status, task: last.task_state ?? '', count: l.polls.length },
        },
      };
    },
  },
];

/** The step an rpc message belongs to when it names one by itself. */
export function rpcStep(e: LabEvent): BootStepId | null {
  if (!e.topic || !e.method) return null;
  return BOOT_STEP_TABLE.find((r) => r.rpc?.topic(e.topic!) && r.rpc.methods.includes(e.method!))?.id ?? null;
}
