// Server tags (microversion 2.26): GET/PUT/DELETE /servers/{id}/tags and
// GET/PUT/DELETE /servers/{id}/tags/{tag}, as Nova's server_tags.py. The tags live on the
// instance record (the conductor); changing them needs a server that is not busy being built,
// resized or deleted.
import { Router } from 'express';
import type { Instance } from '../../../contract/model.js';
import { BusFailure } from '../../bus/errors.js';
import type { ApiDeps } from '../deps.js';
import type { InstanceFilter } from '../../rpc/conductor-api.js';
import { ApiFault, badRequest, conflict, notFound } from '../faults.js';
import { authorize, empty, handle, ok, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { atLeast } from '../microversion.js';
import { compile, novaMessage } from '../validation.js';
import { instanceNotFound } from './server-common.js';
import { Ajv, type ValidateFunction } from 'ajv';

export const MAX_TAG_COUNT = 50;
export const MAX_TAG_LENGTH = 60;
const TAG = { type: 'string', minLength: 1, maxLength: MAX_TAG_LENGTH, pattern: '^[^,/]*$' };
const checkTags = compile<{ tags: string[] }>({
  type: 'object',
  properties: { tags: { type: 'array', items: TAG, maxItems: MAX_TAG_COUNT } },
  required: ['tags'],
  additionalProperties: false,
});
// Compiled at the first single-tag request, not at import (every osapi worker's start-up CPU).
let tagCheck: ValidateFunction | null = null;
const tagValidator = () => (tagCheck ??= new Ajv({ strict: false }).compile(TAG));

/** Nova's states in which tags may change. */
const TAGGABLE = new Set(['active', 'paused', 'suspended', 'stopped']);

/** As Nova: the server is looked up in any project, then the owner rule decides (403, not 404). */
async function taggedServer(c: Call, rule: string): Promise<Instance> {
  if (!atLeast(c.st.version, '2.26')) throw new ApiFault(404, 'The resource could not be found.');
  const inst = await c.deps.conductor.call.instance_get(c.params.id!);
  if (!inst) throw instanceNotFound(c.params.id!);
  authorize(c, `os_compute_api:os-server-tags:${rule}`, inst);
  return inst;
}

function checkState(inst: Instance, action: string): void {
  if (!TAGGABLE.has(inst.vm_state)) throw conflict(`Cannot '${action}' instance ${inst.uuid} while it is in vm_state ${inst.vm_state}`);
}

async function saveTags(c: Call, inst: Instance, tags: string[]): Promise<string[]> {
  try {
    return (await c.deps.conductor.call.instance_update(inst.uuid, { tags })).tags;
  } catch (err) {
    if (err instanceof BusFailure && err.code === 404) throw instanceNotFound(inst.uuid);
    throw err;
  }
}

async function listTags(c: Call): Promise<Reply> {
  const inst = await taggedServer(c, 'index');
  return ok({ tags: inst.tags });
}

async function replaceTags(c: Call): Promise<Reply> {
  const inst = await taggedServer(c, 'update_all');
  const { tags } = checkTags(c.body);
  checkState(inst, 'update tags');
  return ok({ tags: await saveTags(c, inst, [...new Set(tags)]) });
}

async function deleteTags(c: Call): Promise<Reply> {
  const inst = await taggedServer(c, 'delete_all');
  checkState(inst, 'delete tags');
  await saveTags(c, inst, []);
  return empty(204);
}

async function showTag(c: Call): Promise<Reply> {
  const inst = await taggedServer(c, 'show');
  if (!inst.tags.includes(c.params.tag!)) throw notFound(`Server ${inst.uuid} has no tag '${c.params.tag}'`);
  return empty(204);
}

/** The single-tag PUT takes no body (Nova's schema is "type": "null"). */
function hasBody(c: Call): boolean {
  const length = Number(c.req.headers['content-length'] ?? 0);
  return (length > 0 || c.req.headers['transfer-encoding'] !== undefined) && c.body !== null && c.body !== undefined;
}

async function addTag(c: Call): Promise<Reply> {
  if (hasBody(c)) throw badRequest(`${JSON.stringify(c.body)} is not of type 'null'`);
  const inst = await taggedServer(c, 'update');
  checkState(inst, 'update tag');
  const tag = c.params.tag!;
  const tagValid = tagValidator();
  if (!tagValid(tag)) {
    const err = tagValid.errors?.[0];
    const why = err ? novaMessage(err, tag) : 'invalid';
    throw badRequest(
      `Tag '${tag}' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: ${why}`,
    );
  }
  if (inst.tags.length >= MAX_TAG_COUNT) throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAG_COUNT}`);
  if (inst.tags.includes(tag)) return empty(204);
  await saveTags(c, inst, [...inst.tags, tag]);
  return { status: 201, headers: { Location: `${c.st.base}/v2.1/servers/${inst.uuid}/tags/${encodeURIComponent(tag)}` } };
}

async function deleteTag(c: Call): Promise<Reply> {
  const inst = await taggedServer(c, 'delete');
  checkState(inst, 'delete tag');
  const tag = c.params.tag!;
  if (!inst.tags.includes(tag)) throw notFound(`Instance ${inst.uuid} has no tag '${tag}'`);
  await saveTags(
    c,
    inst,
    inst.tags.filter((t) => t !== tag),
  );
  return empty(204);
}

/** The list filters tags / tags-any / not-tags / not-tags-any (comma-separated), from 2.26. */
/** The tag filters of a server list (2.26), as the conductor's InstanceFilter carries them. */
export function tagQuery(
  query: (k: string) => string | undefined,
): Pick<InstanceFilter, 'tags' | 'tags_any' | 'not_tags' | 'not_tags_any'> {
  const split = (k: string) => query(k)?.split(',');
  const out: Pick<InstanceFilter, 'tags' | 'tags_any' | 'not_tags' | 'not_tags_any'> = {};
  const all = split('tags');
  const any = split('tags-any');
  const notAll = split('not-tags');
  const notAny = split('not-tags-any');
  if (all) out.tags = all;
  if (any) out.tags_any = any;
  if (notAll) out.not_tags = notAll;
  if (notAny) out.not_tags_any = notAny;
  return out;
}

export function serverTagRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/servers/:id/tags')
    .get(handle(deps, listTags))
    .put(handle(deps, replaceTags))
    .delete(handle(deps, deleteTags))
    .all(methodNotAllowed);
  r.route('/servers/:id/tags/:tag')
    .get(handle(deps, showTag))
    .put(handle(deps, addTag))
    .delete(handle(deps, deleteTag))
    .all(methodNotAllowed);
  return r;
}
