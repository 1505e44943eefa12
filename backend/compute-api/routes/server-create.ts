// POST /servers: the course's steps 3–5 on nova-api's side. Announce the request and the
// policy check (step mode may hold them), validate flavor, image, key pair, zone and quota,
// create the records through the conductor, record the action, then cast build_instances
// to the conductor and answer 202 at once.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Flavor, ImageMeta, Instance, QuotaSet } from '../../../contract/model.js';
import { withContext } from '../../bus/client.js';
import { GiB, rootDiskTooSmall } from '../../shared/flavor-disk.js';
import { badRequest, forbidden } from '../faults.js';
import { type Call, type Reply } from '../http/kit.js';
import { decide } from '../policy.js';
import { serverCreateCheck } from '../schemas.js';
import { checkImageProperties, instanceNames, planCreate, quotaCount, sanitizeHostname, type CreatePlan } from '../server-create-plan.js';
import type { GlanceImage } from '../views/image-view.js';
import { imageProperties } from '../views/image-view.js';
import { links } from '../views/format.js';
import { versionText } from '../microversion.js';
import { flavorForCaller } from './flavors.js';
import { recordAction } from './server-common.js';
import { msg, summaryOf } from '../../../contract/messages.js';

export async function createServer(c: Call): Promise<Reply> {
  c.st.instanceUuid = randomUUID();
  return withContext({ instance_uuid: c.st.instanceUuid }, () => create(c));
}

/** The request as the walkthrough shows it; user data and passwords are elided. */
function describedBody(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const server = (body as { server?: Record<string, unknown> }).server;
  if (!server || typeof server !== 'object') return body;
  const shown = { ...server };
  if (typeof shown.user_data === 'string') shown.user_data = `<${shown.user_data.length} base64 characters, elided>`;
  if (shown.adminPass !== undefined) shown.adminPass = '***';
  return { ...(body as object), server: shown };
}

async function announceAndAuthorize(c: Call): Promise<void> {
  const { st, deps } = c;
  await deps.step({
    step: 'api.request',
    ...summaryOf(msg('step.apiRequest', { microversion: versionText(st.version) })),
    detail: { method: 'POST', path: '/v2.1/servers', microversion: versionText(st.version), body: describedBody(c.body) },
  });
  const rule = 'os_compute_api:servers:create';
  const d = decide(rule, { project_id: st.auth.project_id, is_admin: st.auth.is_admin }, { project_id: st.auth.project_id });
  await deps.step({
    step: 'api.policy',
    ...summaryOf(
      msg(d.allowed ? 'step.apiPolicyAllowed' : 'step.apiPolicyDenied', { user: st.auth.user_name, project: st.auth.project_name, rule }),
    ),
    detail: {
      user: { id: st.auth.user_id, name: st.auth.user_name },
      project: { id: st.auth.project_id, name: st.auth.project_name },
      roles: st.auth.roles,
      token_expires_at: st.auth.expires_at,
      rule,
      rule_kind: d.rule,
      allowed: d.allowed,
    },
  });
  if (!d.allowed) throw forbidden(d.message);
}

export function imageMeta(img: GlanceImage): ImageMeta {
  const bytes = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    id: img.id,
    name: img.name ?? '',
    disk_format: String(img.disk_format ?? ''),
    container_format: String(img.container_format ?? ''),
    min_ram: Number(img.min_ram ?? 0),
    min_disk: Number(img.min_disk ?? 0),
    size: bytes(img.size),
    virtual_size: bytes(img.virtual_size),
    properties: imageProperties(img),
  };
}

/** Nova's _validate_flavor_image_nostatus for a local root disk: memory, then size, then min_disk. */
export function checkImageFits(c: Call, flavor: Flavor, img: ImageMeta): void {
  if (flavor.ram < img.min_ram) throw badRequest("Flavor's memory is too small for requested image.");
  if (flavor.disk === 0) {
    // A 0 GB root disk grows to the image's size, however large: Nova allows it to admins only.
    const d = decide('os_compute_api:servers:create:zero_disk_flavor', { project_id: c.st.auth.project_id, is_admin: c.st.auth.is_admin });
    if (!d.allowed) throw forbidden('Only volume-backed servers are allowed for flavors with zero disk.');
    return;
  }
  // The virtual size is what the guest may fill on the host; Nova's API reads only `size`.
  const tooSmall = rootDiskTooSmall(flavor.disk, Math.max(img.size ?? 0, img.virtual_size ?? 0));
  if (tooSmall) throw badRequest(tooSmall);
  if (img.min_disk > flavor.disk) {
    throw badRequest(
      `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${flavor.disk * GiB} bytes, minimum size is ${img.min_disk * GiB} bytes.`,
    );
  }
}

/**
 * Nova's _handle_kernel_and_ramdisk: the kernel and ramdisk the image names, read with the
 * requester's token, so an image cannot borrow another project's private one. nova-compute
 * fetches these ids and no others.
 */
export async function kernelAndRamdisk(c: Call, image: ImageMeta): Promise<{ kernel_id: string | null; ramdisk_id: string | null }> {
  const { kernel_id: kernel = null, ramdisk_id: ramdisk = null } = image.properties;
  if (kernel === 'nokernel') return { kernel_id: null, ramdisk_id: null };
  const visible = async (id: string | null) => {
    if (id === null) return null;
    const found = await c.deps.glance.getImage(c.st.token, id);
    if (!found) throw badRequest('Can not find requested image');
    return found.id;
  };
  const [kernelId, ramdiskId] = await Promise.all([visible(kernel), visible(ramdisk)]);
  return { kernel_id: kernelId, ramdisk_id: ramdiskId };
}

interface Looked {
  flavor: Flavor;
  image: ImageMeta;
  kernel_id: string | null;
  ramdisk_id: string | null;
  keyData: string | null;
  forceHost: string | null;
}

async function lookUp(c: Call, p: CreatePlan): Promise<Looked> {
  const { conductor, glance } = c.deps;
  const needHosts = p.zone !== null || p.forcedHost !== null || p.forcedNode !== null;
  const [flavor, img, key, nodes] = await Promise.all([
    flavorForCaller(conductor, c.st.auth, p.flavorId),
    glance.getImage(c.st.token, p.imageId),
    p.keyName ? conductor.call.keypair_get(c.st.auth.user_id, p.keyName) : Promise.resolve(null),
    needHosts ? conductor.call.compute_node_list() : Promise.resolve([]),
  ]);
  if (!flavor) throw badRequest(`Flavor ${p.flavorId} could not be found.`);
  if (flavor.disabled) throw badRequest(`Flavor ${p.flavorId} is disabled and cannot be used to create servers.`);
  if (!img) throw badRequest(`Image ${p.imageId} could not be found.`);
  if (img.status !== 'active') throw badRequest(`Image ${p.imageId} is not active.`);
  const image = imageMeta(img);
  checkImageProperties(image.properties);
  checkImageFits(c, flavor, image);
  const boot = await kernelAndRamdisk(c, image);
  if (p.keyName && !key) throw badRequest('Invalid key_name provided.');
  if (p.zone !== null && !nodes.some((n) => n.availability_zone === p.zone)) {
    throw badRequest('The requested availability zone is not available');
  }
  let forceHost = p.forcedHost;
  if (p.forcedNode !== null) {
    const node = nodes.find((n) => n.hypervisor_hostname === p.forcedNode);
    if (!node) throw badRequest(`Compute host node ${p.forcedNode} could not be found.`);
    if (forceHost !== null && node.host.toLowerCase() !== forceHost.toLowerCase())
      throw badRequest(`Compute host node ${p.forcedNode} is not on host ${forceHost}.`);
    forceHost = node.host;
  }
  // Host names compare case-insensitively, as the scheduler's forced-host match does in Nova.
  if (forceHost !== null && !nodes.some((n) => n.host.toLowerCase() === forceHost!.toLowerCase())) {
    throw badRequest(`Compute host ${forceHost} could not be found.`);
  }
  return { flavor, image, ...boot, keyData: key?.public_key ?? null, forceHost };
}

/** How many instances the quota allows (or a 403), and the quota, which the group check reads too. */
async function checkQuota(c: Call, p: CreatePlan, flavor: Flavor): Promise<{ count: number; quota: QuotaSet }> {
  const pid = c.st.auth.project_id;
  const [quota, usage] = await Promise.all([c.deps.conductor.call.quota_get(pid), c.deps.conductor.call.quota_usage(pid)]);
  const items = Object.keys(p.metadata).length;
  if (quota.metadata_items >= 0 && items > quota.metadata_items) {
    throw forbidden(`Quota exceeded for metadata_items: Requested ${items}, but already used 0 of ${quota.metadata_items} metadata_items`);
  }
  return { count: quotaCount(quota, usage, { vcpus: flavor.vcpus, ram: flavor.ram }, p.minCount, p.maxCount), quota };
}

function newInstances(c: Call, p: CreatePlan, l: Looked, count: number): Instance[] {
  const now = new Date().toISOString();
  const reservation = `r-${randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8)}`;
  return instanceNames(p.name, count).map((name, i) => {
    const uuid = i === 0 ? c.st.instanceUuid! : randomUUID();
    return {
      uuid,
      name,
      hostname: p.hostname && count === 1 ? p.hostname : sanitizeHostname(name, `Server-${uuid}`),
      project_id: c.st.auth.project_id,
      user_id: c.st.auth.user_id,
      flavor: l.flavor,
      image: l.image,
      kernel_id: l.kernel_id,
      ramdisk_id: l.ramdisk_id,
      requested_az: p.zone,
      availability_zone: p.zone,
      host: null,
      node: null,
      vm_state: 'building',
      task_state: 'scheduling',
      power_state: 0,
      key_name: p.keyName,
      key_data: l.keyData,
      metadata: { ...p.metadata },
      user_data: p.userData,
      description: p.description,
      tags: [...p.tags],
      access_ip_v4: p.accessIPv4,
      access_ip_v6: p.accessIPv6,
      locked: false,
      locked_reason: null,
      addresses: [],
      launch_index: i,
      reservation_id: reservation,
      created_at: now,
      updated_at: now,
      launched_at: null,
      terminated_at: null,
      fault: null,
      create_request_id: c.st.requestId,
      seq: 0,
    };
  });
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** The server group named by the hint `group`, and how many members it may have. */
async function requestedGroup(c: Call, p: CreatePlan, quota: QuotaSet): Promise<{ id: string; max_members: number } | null> {
  const hint = p.hints.group;
  if (hint === undefined) return null;
  if (typeof hint !== 'string' || !UUID_RE.test(hint)) {
    throw badRequest(`Invalid input for field/attribute group. Value: ${JSON.stringify(hint)}. ${JSON.stringify(hint)} is not a 'uuid'`);
  }
  const group = await c.deps.conductor.call.server_group_get(hint);
  // As Nova's group query: a non-admin finds only its own project's groups, so nobody adds a
  // server to (or learns of) another project's group.
  const visible = group && (c.st.auth.is_admin || group.project_id === c.st.auth.project_id);
  if (!visible) throw badRequest(`Instance group ${hint} could not be found.`);
  return { id: group.id, max_members: quota.server_group_members };
}

async function create(c: Call): Promise<Reply> {
  await announceAndAuthorize(c);
  const body = serverCreateCheck(c.st.version)(c.body);
  const p = planCreate(body, c.st.version);
  if (p.forcedHost !== null || p.forcedNode !== null) {
    const d = decide('os_compute_api:servers:create:forced_host', { project_id: c.st.auth.project_id, is_admin: c.st.auth.is_admin });
    if (!d.allowed) throw forbidden(d.message);
  }
  const looked = await lookUp(c, p);
  const { count, quota } = await checkQuota(c, p, looked.flavor);
  const group = await requestedGroup(c, p, quota);
  // Step 5 is held here in step mode, before the record exists; the conductor reports the write.
  await c.deps.step({
    step: 'conductor.record',
    ...summaryOf(msg('step.conductorRecord', { count, name: body.server.name, flavor: looked.flavor.name, image: looked.image.name })),
    detail: { topic: 'conductor', method: 'instance_create', count, flavor: looked.flavor.name, image: looked.image.name },
  });
  // With a group, the instances join it in the same write (or none is recorded).
  const created = await c.deps.conductor.call.instance_create(newInstances(c, p, looked, count), ...(group ? [group] : []));
  // Concurrently: the conductor coalesces concurrent writes of its database into few.
  await Promise.all(created.map((inst) => withContext({ instance_uuid: inst.uuid }, () => recordAction(c, inst, 'create'))));
  c.deps.conductor.cast.build_instances(
    created.map((i) => i.uuid),
    {
      project_id: c.st.auth.project_id,
      num_instances: created.length,
      flavor: looked.flavor,
      image: looked.image,
      availability_zone: p.zone,
      force_host: looked.forceHost,
      scheduler_hints: p.hints,
      instance_group: null,
    },
  );
  const first = created[0]!;
  const location = `${c.st.base}/v2.1/servers/${first.uuid}`;
  if (p.returnReservationId) return { status: 202, body: { reservation_id: first.reservation_id } };
  return {
    status: 202,
    headers: { Location: location },
    body: {
      server: {
        id: first.uuid,
        links: links(c.st.base, 'servers', first.uuid),
        'OS-DCF:diskConfig': 'MANUAL',
        security_groups: [{ name: 'default' }],
        // The password asked for, else a generated one (enable_instance_password defaults to true).
        adminPass: typeof body.server.adminPass === 'string' ? body.server.adminPass : randomBytes(9).toString('base64url').slice(0, 12),
      },
    },
  };
}
