// Server status as Nova derives it from vm_state + task_state (nova/api/openstack/common.py),
// and the table of state-changing actions: which states each accepts, the task_state it sets
// (compare-and-set through the conductor) and the compute method it then casts.
import type { TaskState, VmState } from '../../contract/model.js';
import type { ComputeApi } from '../rpc/compute-api.js';

const REBOOT: Partial<Record<Exclude<TaskState, null>, string>> = {
  rebooting: 'REBOOT',
  reboot_pending: 'REBOOT',
  reboot_started: 'REBOOT',
  rebooting_hard: 'HARD_REBOOT',
  reboot_pending_hard: 'HARD_REBOOT',
  reboot_started_hard: 'HARD_REBOOT',
  rebuilding: 'REBUILD',
};

/** A resize or cold migration on its way shows as RESIZE (Nova's state map). */
const RESIZING: Partial<Record<Exclude<TaskState, null>, string>> = {
  resize_prep: 'RESIZE',
  resize_migrating: 'RESIZE',
  resize_migrated: 'RESIZE',
  resize_finish: 'RESIZE',
};

const STATE_MAP: Record<VmState, { default: string } & Partial<Record<Exclude<TaskState, null>, string>>> = {
  active: { default: 'ACTIVE', ...REBOOT, ...RESIZING },
  building: { default: 'BUILD' },
  stopped: { default: 'SHUTOFF', rebuilding: 'REBUILD', ...RESIZING },
  paused: { default: 'PAUSED' },
  suspended: { default: 'SUSPENDED' },
  error: { default: 'ERROR', rebuilding: 'REBUILD' },
  deleted: { default: 'DELETED' },
  shelved: { default: 'SHELVED' },
  shelved_offloaded: { default: 'SHELVED_OFFLOADED' },
  resized: { default: 'VERIFY_RESIZE', resize_reverting: 'REVERT_RESIZE' },
};

export function serverStatus(vm: VmState, task: TaskState): string {
  const map = STATE_MAP[vm];
  if (!map) return 'UNKNOWN';
  return (task && map[task]) || map.default;
}

/**
 * A status within its vm_state as a condition on task_state, for a list filtered where the
 * instances are: the task states that give it, or (when it is the vm_state's default) those that do not.
 */
export function statusTaskStates(status: string, vm: VmState): { task_state_in: TaskState[] } | { task_state_not_in: TaskState[] } {
  const map = STATE_MAP[vm];
  if (!map) return { task_state_in: [] };
  const tasks = Object.keys(map).filter((k) => k !== 'default') as Exclude<TaskState, null>[];
  if (map.default === status) return { task_state_not_in: tasks.filter((t) => map[t] !== status) };
  return { task_state_in: tasks.filter((t) => map[t] === status) };
}

type ComputeMethod = Extract<keyof ComputeApi, string>;

export interface ServerAction {
  /** The name in Nova's conflict message and in the instance action record. */
  action: string;
  policy: string;
  vmStates: VmState[];
  taskStates: TaskState[];
  /** The task_state set while compute works. */
  taskState: Exclude<TaskState, null>;
  compute: ComputeMethod;
}

const act = (
  action: string,
  policy: string,
  vmStates: VmState[],
  taskState: Exclude<TaskState, null>,
  compute: ComputeMethod,
  taskStates: TaskState[] = [null],
): ServerAction => ({ action, policy, vmStates, taskStates, taskState, compute });

/** Body key of POST /servers/{id}/action → what it does. Reboot depends on its type. */
export const SERVER_ACTIONS: Record<string, ServerAction> = {
  'os-stop': act('stop', 'os_compute_api:servers:stop', ['active', 'error'], 'powering-off', 'stop_instance'),
  'os-start': act('start', 'os_compute_api:servers:start', ['stopped'], 'powering-on', 'start_instance'),
  pause: act('pause', 'os_compute_api:os-pause-server:pause', ['active'], 'pausing', 'pause_instance'),
  unpause: act('unpause', 'os_compute_api:os-pause-server:unpause', ['paused'], 'unpausing', 'unpause_instance'),
  suspend: act('suspend', 'os_compute_api:os-suspend-server:suspend', ['active'], 'suspending', 'suspend_instance'),
  resume: act('resume', 'os_compute_api:os-suspend-server:resume', ['suspended'], 'resuming', 'resume_instance'),
};

export const SOFT_REBOOT = act('reboot', 'os_compute_api:servers:reboot', ['active'], 'rebooting', 'reboot_instance');
export const HARD_REBOOT = act(
  'reboot',
  'os_compute_api:servers:reboot',
  ['active', 'stopped', 'paused', 'suspended', 'error'],
  'rebooting_hard',
  'reboot_instance',
  [null, 'rebooting', 'reboot_pending', 'reboot_started', 'reboot_pending_hard', 'reboot_started_hard'],
);

/** Nova's 409 text when an action meets the wrong state, or null when the state allows it. */
export function invalidStateMessage(
  a: Pick<ServerAction, 'action' | 'vmStates' | 'taskStates'>,
  uuid: string,
  vm: VmState,
  task: TaskState,
): string | null {
  if (!a.vmStates.includes(vm)) return `Cannot '${a.action}' instance ${uuid} while it is in vm_state ${vm}`;
  if (!a.taskStates.includes(task)) return `Cannot '${a.action}' instance ${uuid} while it is in task_state ${task}`;
  return null;
}
