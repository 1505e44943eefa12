// Pure: which next step to suggest for a failed request. The HTTP status alone misleads (a 409
// is as often "the host is down" as "wait a moment"; a 401 at sign-in is a wrong password, not
// an expired token), so the decision reads what the service said: Nova's fault message and the
// request that got it.

/** What the hint needs from an ApiError (kept structural so it is testable without fetch). */
export interface FailedRequest {
  status: number;
  method: string;
  url: string;
  message: string;
}

export interface ErrorHint {
  /** i18n key under error.hint. */
  key: string;
  params?: Record<string, string>;
}

// Nova's ComputeServiceUnavailable, which the API raises when the host's nova-compute has no
// recent heartbeat or is forced down (a cast there would be lost).
const COMPUTE_DOWN = /Compute service of (\S+) is unavailable/;
// Nova's InstanceInvalidState: the vm_state refuses the action (waiting will not change it)…
const BAD_VM_STATE = /while it is in vm_state (\w+)/;
// …or a task is still running on it (waiting will).
const BUSY_TASK = /while it is in task_state (\w+)/;
const LOCKED = /^Instance \S+ is locked/;

/**
 * `signIn`: the request was the sign-in form's password exchange, where a 401 means the user
 * name, password or project was refused. (The URL cannot tell: re-issuing a token from an
 * expired one posts to the same /auth/tokens.)
 */
export function errorHint(r: FailedRequest | null, signIn = false): ErrorHint {
  if (!r) return { key: 'generic' };
  if (r.status === 0) return { key: 'unreachable' };
  if (r.status === 401) return { key: signIn ? 'badCredentials' : '401' };
  if (r.status === 403) return { key: '403' };
  if (r.status === 404) return { key: '404' };
  if (r.status === 409) {
    const down = COMPUTE_DOWN.exec(r.message);
    if (down) return { key: 'computeDown', params: { host: down[1]! } };
    const vm = BAD_VM_STATE.exec(r.message);
    if (vm) return { key: 'vmState', params: { state: vm[1]! } };
    const task = BUSY_TASK.exec(r.message);
    if (task) return { key: 'taskState', params: { state: task[1]! } };
    if (LOCKED.test(r.message)) return { key: 'locked' };
    return { key: '409' };
  }
  if (r.status === 400) return { key: '400' };
  if (r.status >= 500) return { key: '5xx' };
  return { key: 'generic' };
}
