// GET/DELETE /servers/{id}/os-server-password: the encrypted password the guest posted to the
// metadata service (cloud-init's `password` handler), and POST /os-server-external-events, the
// events Neutron and Cinder send to Nova (the lab has neither: an event for an instance with
// a host is acknowledged, as Nova acknowledges it before compute acts on it).
import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { methodNotAllowed } from '../http/errors.js';
import { authorize, empty, handle, ok, type Call, type Reply } from '../http/kit.js';
import { atLeast, type ApiVersion } from '../microversion.js';
import { versionedCheck } from '../schemas.js';
import { visibleInstance } from './server-common.js';

async function showPassword(c: Call): Promise<Reply> {
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:os-server-password:show', inst);
  return ok({ password: inst.server_password ?? '' });
}

/** Forgets the stored password (the guest's own password is not changed), as Nova's clear. */
async function clearPassword(c: Call): Promise<Reply> {
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:os-server-password:clear', inst);
  await c.deps.conductor.call.instance_update(inst.uuid, { server_password: null });
  return empty(204);
}

/** Event names per microversion (nova/api/openstack/compute/schemas/server_external_events.py). */
function eventNames(v: ApiVersion): string[] {
  const names = ['network-changed', 'network-vif-plugged', 'network-vif-unplugged', 'network-vif-deleted'];
  if (atLeast(v, '2.51')) names.push('volume-extended');
  if (atLeast(v, '2.76')) names.push('power-update');
  if (atLeast(v, '2.82')) names.push('accelerator-request-bound');
  if (atLeast(v, '2.93')) names.push('volume-reimaged');
  return names;
}

interface ExternalEvent {
  server_uuid: string;
  name: string;
  status?: string;
  tag?: string;
}

const eventsCheck = versionedCheck<{ events: ExternalEvent[] }>(['2.51', '2.76', '2.82', '2.93'], (v) => ({
  type: 'object',
  properties: {
    events: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          server_uuid: { type: 'string', format: 'uuid' },
          name: { type: 'string', enum: eventNames(v) },
          status: { type: 'string', enum: ['failed', 'completed', 'in-progress'] },
          tag: { type: 'string', maxLength: 255 },
        },
        required: ['server_uuid', 'name'],
        additionalProperties: false,
      },
    },
  },
  required: ['events'],
  additionalProperties: false,
}));

/** 200 when every event was accepted, 207 with each event's code (404, 400, 422) otherwise. */
async function externalEvents(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-server-external-events:create');
  const { events } = eventsCheck(c.st.version)(c.body);
  let status = 200;
  const out: Record<string, unknown>[] = [];
  for (const e of events) {
    const inst = await c.deps.conductor.call.instance_get(e.server_uuid);
    const answer: Record<string, unknown> = { ...e };
    const fail = (code: number) => {
      Object.assign(answer, { status: 'failed', code });
      status = 207;
    };
    if (!inst) fail(404);
    else if (e.name === 'power-update' && e.tag !== 'POWER_ON' && e.tag !== 'POWER_OFF') fail(400);
    else if (!inst.host) fail(422);
    else {
      Object.assign(answer, { status: 'completed', code: 200 });
      c.deps.log.info(`external event ${e.name}${e.tag ? `:${e.tag}` : ''} for instance ${inst.uuid} on ${inst.host}`);
    }
    out.push(answer);
  }
  return { status, body: { events: out } };
}

export function serverPasswordRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/servers/:id/os-server-password').get(handle(deps, showPassword)).delete(handle(deps, clearPassword)).all(methodNotAllowed);
  r.route('/os-server-external-events').post(handle(deps, externalEvents)).all(methodNotAllowed);
  return r;
}
