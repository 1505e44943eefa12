// Instance actions and their events (server event list / show), as Nova shows them:
// 2.58 adds updated_at; events are the admin's (or anyone's from 2.51, without traceback);
// 2.62 adds hostId (and host for admins); 2.84 adds details (pure).
import type { InstanceAction, InstanceActionEvent } from '../../../contract/model.js';
import { atLeast, type ApiVersion } from '../microversion.js';
import { hostId, naiveTime } from './format.js';
import { hidePaths } from '../../common/host-paths.js';

export function actionSummary(a: InstanceAction, v: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {
    action: a.action,
    instance_uuid: a.instance_uuid,
    message: a.message,
    project_id: a.project_id,
    request_id: a.request_id,
    start_time: naiveTime(a.start_time),
    user_id: a.user_id,
  };
  if (atLeast(v, '2.58')) out.updated_at = naiveTime(a.updated_at);
  return out;
}

export function eventView(e: InstanceActionEvent, projectId: string, v: ApiVersion, isAdmin: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    event: e.event,
    start_time: naiveTime(e.start_time),
    finish_time: naiveTime(e.finish_time),
    result: e.result,
  };
  // Tracebacks and details are a driver's texts: frames and files keep their names, not their host folders.
  if (isAdmin) out.traceback = e.traceback === null ? null : hidePaths(e.traceback);
  if (isAdmin && atLeast(v, '2.62')) out.host = e.host;
  if (atLeast(v, '2.62')) out.hostId = hostId(projectId, e.host);
  if (atLeast(v, '2.84')) out.details = typeof e.details === 'string' ? hidePaths(e.details) : e.details;
  return out;
}

export function actionDetail(a: InstanceAction, v: ApiVersion, isAdmin: boolean): Record<string, unknown> {
  const out = actionSummary(a, v);
  if (isAdmin || atLeast(v, '2.51')) out.events = a.events.map((e) => eventView(e, a.project_id, v, isAdmin));
  return out;
}
