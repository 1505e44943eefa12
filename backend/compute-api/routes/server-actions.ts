// POST /servers/{id}/action: state changes are a compare-and-set of task_state through the
// conductor, an instance action record, then a cast to the instance's nova-compute. Console
// output and VNC consoles are calls to compute (and consoleauth).
import { Router } from 'express';
import type { Instance } from '../../../contract/model.js';
import { BusFailure } from '../../bus/errors.js';
import type { ApiDeps } from '../deps.js';
import { ApiFault, badRequest, conflict, notImplemented } from '../faults.js';
import { allowed, authorize, empty, handle, ok, queryOne, type Call, type Reply } from '../http/kit.js';
import { applyPage, pageParams } from '../http/paging.js';
import { nextLinks } from '../views/format.js';
import { methodNotAllowed } from '../http/errors.js';
import { atLeast } from '../microversion.js';
import { checkConsoleOutput, checkReboot, checkResetState, checkRemoteConsole, checkVncConsole } from '../schemas.js';
import { HARD_REBOOT, invalidStateMessage, SERVER_ACTIONS, serverStatus, SOFT_REBOOT, type ServerAction } from '../server-state.js';
import { computeDown, computeUp, recordAction, visibleInstance } from './server-common.js';
import { MOVE_ACTIONS } from './server-resize.js';
import { checkNotLocked, lockServer, rebuildServer, rescueServer, unlockServer, unrescueServer } from './server-rebuild.js';

/** Console calls answer in milliseconds; a host that does not is reported rather than waited on. */
const COMPUTE_CALL_MS = 15_000;
import { actionDetail, actionSummary } from '../views/action-view.js';
import { SNAPSHOT_ACTIONS, snapshotAction } from './server-snapshot.js';
import { msg, summaryOf } from '../../../contract/messages.js';
import { CONSOLE_STATUSES, consoleCanOpen } from '../../../contract/console-status.js';

/** Nova actions this lab does not implement: a clear 501 rather than "no such action". */
const UNSUPPORTED = new Set([
  'os-migrateLive',
  'evacuate',
  'changePassword',
  'addSecurityGroup',
  'removeSecurityGroup',
  'trigger_crash_dump',
  'forceDelete',
  'injectNetworkInfo',
  'resetNetwork',
  'os-getSPICEConsole',
  'os-getRDPConsole',
  'os-getSerialConsole',
  'addFloatingIp',
  'removeFloatingIp',
  'addFixedIp',
  'removeFixedIp',
  'os-resetPassword',
]);

async function changeState(c: Call, inst: Instance, a: ServerAction, extra: unknown[] = []): Promise<Reply> {
  authorize(c, a.policy, inst);
  checkNotLocked(c, inst);
  const wrong = invalidStateMessage(a, inst.uuid, inst.vm_state, inst.task_state);
  if (wrong) throw conflict(wrong);
  if (!inst.host) throw conflict(`Cannot '${a.action}' instance ${inst.uuid}: it has no host (it was never scheduled)`);
  if (!(await computeUp(c, inst.host))) throw computeDown(inst.host);
  try {
    await c.deps.conductor.call.instance_update(inst.uuid, { task_state: a.taskState }, { vm_state: a.vmStates, task_state: a.taskStates });
  } catch (err) {
    if (!(err instanceof BusFailure) || err.code !== 409) throw err;
    const now = await c.deps.conductor.call.instance_get(inst.uuid);
    throw conflict(
      (now && invalidStateMessage(a, inst.uuid, now.vm_state, now.task_state)) ??
        `Cannot '${a.action}' instance ${inst.uuid}: its state changed meanwhile`,
    );
  }
  await recordAction(c, inst, a.action);
  (c.deps.compute(inst.host).cast as Record<string, (...args: unknown[]) => void>)[a.compute]!(inst.uuid, ...extra);
  return empty(202);
}

/** Exactly the last `length` lines (a trailing newline does not count as a line). */
export function tailLines(text: string, length: number | null): string {
  if (length === null) return text;
  if (length === 0) return '';
  const trailing = text.endsWith('\n');
  const lines = (trailing ? text.slice(0, -1) : text).split('\n');
  return lines.slice(-length).join('\n') + (trailing ? '\n' : '');
}

async function consoleOutput(c: Call, inst: Instance): Promise<Reply> {
  const body = checkConsoleOutput(c.body);
  authorize(c, 'os_compute_api:os-console-output', inst);
  const raw = body['os-getConsoleOutput'].length;
  const n = raw === undefined || raw === null ? null : Number(raw);
  const length = n === null || n < 0 ? null : n;
  if (!inst.host || inst.vm_state === 'building') throw conflict(`Instance ${inst.uuid} is not ready`);
  if (!(await computeUp(c, inst.host))) throw computeDown(inst.host);
  const text = await c.deps
    .compute(inst.host)
    .with({ timeoutMs: COMPUTE_CALL_MS })
    .get_console_output(inst.uuid, length === null ? null : length + 1);
  // eslint-disable-next-line no-control-regex -- strips control bytes from the guest's serial log
  return ok({ output: tailLines(text, length).replace(/[\x00-\x08\x0B-\x1F]/g, '') });
}

/** The VNC URL, through compute (connect info) and consoleauth (token), as the course draws it. */
export async function vncUrl(c: Call, inst: Instance): Promise<string> {
  authorize(c, 'os_compute_api:os-remote-consoles', inst);
  const status = serverStatus(inst.vm_state, inst.task_state);
  if (!inst.host || !consoleCanOpen(status))
    throw conflict(`Instance ${inst.uuid} is not ready (status ${status}): a console needs an ${CONSOLE_STATUSES.join(' or ')} server`);
  if (!(await computeUp(c, inst.host))) throw computeDown(inst.host);
  await c.deps.step({ step: 'api.compute_call', ...summaryOf(msg('step.apiConsoleCall', { host: inst.host, uuid: inst.uuid })) });
  const info = await c.deps.compute(inst.host).with({ timeoutMs: COMPUTE_CALL_MS }).get_vnc_console(inst.uuid);
  const { token } = await c.deps.consoleauth.call.authorize_console(inst.uuid, info);
  const url = `${c.deps.settings.novncproxyBaseUrl}?path=${encodeURIComponent(`?token=${token}`)}`;
  await c.deps.step({ step: 'api.url', ...summaryOf(msg('console.url', { url: c.deps.settings.novncproxyBaseUrl })) });
  return url;
}

async function legacyVnc(c: Call, inst: Instance): Promise<Reply> {
  const type = checkVncConsole(c.body)['os-getVNCConsole'].type;
  if (type !== 'novnc') throw badRequest(`Unavailable console type ${type}.`);
  return ok({ console: { type, url: await vncUrl(c, inst) } });
}

async function remoteConsole(c: Call): Promise<Reply> {
  if (!atLeast(c.st.version, '2.6')) throw new ApiFault(404, 'The resource could not be found.');
  const { protocol, type } = checkRemoteConsole(c.body).remote_console;
  if (protocol !== 'vnc' || type !== 'novnc') throw badRequest(`Unavailable console type ${type}.`);
  const inst = await visibleInstance(c, c.params.id!);
  return ok({ remote_console: { protocol, type, url: await vncUrl(c, inst) } });
}

/**
 * os-resetState (admin): the record only, as Nova's admin action: vm_state active or error, no
 * task. Nothing runs on the host; it unsticks a server whose task never ended.
 */
async function resetState(c: Call, state: 'active' | 'error'): Promise<Reply> {
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:os-admin-actions:reset_state', inst);
  await recordAction(c, inst, 'resetState');
  try {
    await c.deps.conductor.call.instance_update(inst.uuid, { vm_state: state, task_state: null });
  } catch (err) {
    if (err instanceof BusFailure && err.code === 404) throw new ApiFault(404, `Instance ${inst.uuid} could not be found.`);
    throw err;
  }
  return empty(202);
}

async function serverAction(c: Call): Promise<Reply> {
  const body = c.body;
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0)
    throw badRequest('Malformed request body');
  const key = Object.keys(body)[0]!;
  // Nova validates this action's body before it looks the server up.
  if (key === 'os-resetState') return resetState(c, checkResetState(body)['os-resetState'].state);
  if (SNAPSHOT_ACTIONS.has(key)) return snapshotAction(c, key);
  const inst = await visibleInstance(c, c.params.id!);
  const plain = SERVER_ACTIONS[key];
  if (plain) return changeState(c, inst, plain);
  const move = Object.hasOwn(MOVE_ACTIONS, key) ? MOVE_ACTIONS[key] : undefined;
  if (move) return move(c, inst);
  switch (key) {
    case 'reboot': {
      const type = checkReboot(body).reboot.type.toUpperCase() as 'SOFT' | 'HARD';
      return changeState(c, inst, type === 'HARD' ? HARD_REBOOT : SOFT_REBOOT, [type]);
    }
    case 'os-getConsoleOutput':
      return consoleOutput(c, inst);
    case 'rebuild':
      return rebuildServer(c, inst);
    case 'rescue':
      return rescueServer(c, inst);
    case 'unrescue':
      return unrescueServer(c, inst);
    case 'lock':
      return lockServer(c, inst);
    case 'unlock':
      return unlockServer(c, inst);
    case 'os-getVNCConsole':
      return legacyVnc(c, inst);
    case 'restore':
      // Deletes here are immediate (reclaim_instance_interval = 0): no server is ever
      // SOFT_DELETED, so a restore always meets the wrong state, as it would in Nova.
      authorize(c, 'os_compute_api:os-deferred-delete:restore', inst);
      throw conflict(`Cannot 'restore' instance ${inst.uuid} while it is in vm_state ${inst.vm_state}`);
    default:
      if (UNSUPPORTED.has(key)) throw notImplemented(`The '${key}' server action is not implemented by novalab.`);
      throw badRequest(`There is no such action: ${key}`);
  }
}

async function listActions(c: Call): Promise<Reply> {
  const inst = await visibleInstance(c, c.params.id!, { include_deleted: atLeast(c.st.version, '2.21') });
  authorize(c, 'os_compute_api:os-instance-actions:list', inst);
  let actions = (await c.deps.conductor.call.action_list(inst.uuid)).sort((a, b) => b.start_time.localeCompare(a.start_time));
  const body: Record<string, unknown> = {};
  if (atLeast(c.st.version, '2.58')) {
    const since = queryOne(c, 'changes-since');
    if (since) actions = actions.filter((a) => Date.parse(a.updated_at) >= Date.parse(since));
    const page = pageParams(c.query, c.deps.settings.maxLimit);
    actions = applyPage(actions, page, (a) => a.request_id, c.deps.settings.maxLimit);
    const next = nextLinks(
      c.st.base,
      `servers/${inst.uuid}/os-instance-actions`,
      c.query,
      actions.map((a) => ({ id: a.request_id })),
      page.limit,
    );
    if (next) body.links = next;
  }
  return ok({ instanceActions: actions.map((a) => actionSummary(a, c.st.version)), ...body });
}

async function showAction(c: Call): Promise<Reply> {
  const inst = await visibleInstance(c, c.params.id!, { include_deleted: atLeast(c.st.version, '2.21') });
  authorize(c, 'os_compute_api:os-instance-actions:show', inst);
  const a = await c.deps.conductor.call.action_get(inst.uuid, c.params.req!);
  if (!a) throw new ApiFault(404, `Action for request_id ${c.params.req} on instance ${inst.uuid} not found`);
  const isAdmin = allowed(c, 'os_compute_api:os-instance-actions:events');
  return ok({ instanceAction: actionDetail(a, c.st.version, isAdmin) });
}

export function serverActionRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/servers/:id/action').post(handle(deps, serverAction)).all(methodNotAllowed);
  r.route('/servers/:id/remote-consoles').post(handle(deps, remoteConsole)).all(methodNotAllowed);
  r.route('/servers/:id/os-instance-actions').get(handle(deps, listActions)).all(methodNotAllowed);
  r.route('/servers/:id/os-instance-actions/:req').get(handle(deps, showAction)).all(methodNotAllowed);
  return r;
}
