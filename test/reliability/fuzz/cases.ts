// One fuzz case from (seed, case number): which listener, and the exact bytes or request to
// send. Pure given the context (ports, tokens, ids), so a reported case number replays it.
import { createHmac } from 'node:crypto';
import { caseRng, type Rng } from './rng.js';
import {
  deepJsonText,
  encodePathBytes,
  hostileQuery,
  hostileString,
  hostileValue,
  malformedJson,
  mutate,
  pathSegment,
  uuidLike,
} from './values.js';
import type { RouteEntry } from './routes.js';
import { SERVER_ACTIONS } from '../../../backend/compute-api/server-state.js';

export type Listener =
  'identity' | 'image' | 'compute' | 'metadata' | 'ec2' | 'novncproxy' | 'novncproxy-ws' | 'gui' | 'gui-events' | 'raw-http';

export interface HttpCase {
  kind: 'http';
  listener: Listener;
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The client goes away: after half its body, or as soon as the answer starts. */
  abort?: 'mid-body' | 'on-response';
  /** The route table entry the case was made from ('compute GET /v2.1/servers/:id'). */
  route?: string;
}
export interface RawCase {
  kind: 'raw';
  listener: Listener;
  port: number;
  label: string;
  bytes: Buffer;
}
export interface WsCase {
  kind: 'ws';
  listener: Listener;
  port: number;
  path: string;
  headerLines: string[];
  frames: Buffer[];
  label: string;
}
export type FuzzCase = HttpCase | RawCase | WsCase;

export interface FuzzContext {
  ports: Record<'identity' | 'image' | 'compute' | 'metadata' | 'ec2' | 'novncproxy' | 'gui', number>;
  tokens: { admin: string; demo: string };
  /** Ids that exist, read at start: used only for reads and for what the fuzzer itself owns. */
  real: Record<string, string[]>;
  /** Ids the fuzzer created (servers, images, key pairs…): writes may aim at these. */
  owned: Record<string, string[]>;
  metadataSecret: string;
  routes: {
    compute: RouteEntry[];
    identity: RouteEntry[];
    image: RouteEntry[];
    metadata: string[];
    console: string[];
    labApi: (RouteEntry & { adminOnly: boolean })[];
  };
}

/** Request targets that are not plain paths (a URL parser may throw on them). */
const ODD_TARGETS = ['//[', '//evil.example/x', '//:@/', '//a:99999/', '//[::1', '/\\evil', '//%zz/'];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'PURGE', 'LINK'];
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Bodies that pass validation as they are: each case changes one thing in one of them.
const COMPUTE_TEMPLATES: Record<string, (c: FuzzContext, rng: Rng) => unknown> = {
  'POST /v2.1/servers': (c, rng) => ({
    server: { name: 'fuzz', imageRef: rng.pick(c.real.images ?? ['x']), flavorRef: '1', networks: 'none', metadata: { a: 'b' } },
  }),
  // The actions the lab implements, from its own table (a Nova action it does not implement is a
  // documented 501 notImplemented, as Nova's raise_feature_not_supported answers: not bad input).
  'POST /v2.1/servers/:id/action': (_c, rng) =>
    rng.pick<unknown>([
      ...Object.keys(SERVER_ACTIONS).map((a) => ({ [a]: null })),
      { reboot: { type: rng.pick(['SOFT', 'HARD']) } },
      { 'os-getConsoleOutput': { length: 10 } },
      { 'os-getVNCConsole': { type: 'novnc' } },
      { [hostileString(rng).slice(0, 40) || 'x']: null },
    ]),
  'POST /v2.1/servers/:id/remote-consoles': () => ({ remote_console: { protocol: 'vnc', type: 'novnc' } }),
  'POST /v2.1/flavors': () => ({ flavor: { name: 'fuzz', ram: 64, vcpus: 1, disk: 1, id: 'fuzz', 'os-flavor-access:is_public': true } }),
  'PUT /v2.1/flavors/:id': () => ({ flavor: { description: 'x' } }),
  'POST /v2.1/flavors/:id/os-extra_specs': () => ({ extra_specs: { 'hw:cpu_policy': 'shared' } }),
  'PUT /v2.1/flavors/:id/os-extra_specs/:key': () => ({ 'hw:cpu_policy': 'shared' }),
  'POST /v2.1/os-keypairs': () => ({ keypair: { name: 'fuzz', type: 'ssh' } }),
  'POST /v2.1/os-server-groups': () => ({ server_group: { name: 'g', policies: ['anti-affinity'] } }),
  'PUT /v2.1/os-quota-sets/:project': () => ({ quota_set: { instances: 10, cores: 20 } }),
  'PUT /v2.1/os-services/:id': () => ({ status: 'enabled' }),
};

const IDENTITY_TEMPLATES: Record<string, (c: FuzzContext, rng: Rng) => unknown> = {
  'POST /v3/auth/tokens': (c, rng) =>
    rng.chance(0.7)
      ? {
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name: rng.pick(['admin', 'demo']), domain: { id: 'default' }, password: 'wrong' } },
            },
            scope: { project: { name: 'demo', domain: { id: 'default' } } },
          },
        }
      : { auth: { identity: { methods: ['token'], token: { id: 'not-a-token' } } } },
  'POST /v3/projects': () => ({ project: { name: 'fuzz', domain_id: 'default', enabled: true } }),
  'PATCH /v3/projects/:id': () => ({ project: { description: 'x' } }),
  'POST /v3/users': () => ({ user: { name: 'fuzz', password: 'fuzz-pw', domain_id: 'default' } }),
  'PATCH /v3/users/:id': () => ({ user: { description: 'x' } }),
  'POST /v3/roles': () => ({ role: { name: 'fuzz' } }),
};

const IMAGE_TEMPLATES: Record<string, (c: FuzzContext, rng: Rng) => unknown> = {
  'POST /v2/images': () => ({ name: 'fuzz', disk_format: 'qcow2', container_format: 'bare', visibility: 'private', min_disk: 0 }),
  'PATCH /v2/images/:id': () => [
    { op: 'replace', path: '/name', value: 'x' },
    { op: 'add', path: '/fuzz_prop', value: 'y' },
  ],
};

function templateFor(table: Record<string, (c: FuzzContext, rng: Rng) => unknown>, method: string, path: string) {
  return table[`${method} ${path.replace(/^\/image(?=\/v2)/, '')}`];
}

/** Which real ids a path parameter may take: owned ones only when the method writes. */
function idsFor(c: FuzzContext, service: string, path: string, param: string, write: boolean): string[] {
  const kind =
    service === 'compute'
      ? path.includes('/servers')
        ? 'servers'
        : path.includes('/flavors')
          ? param === 'key'
            ? 'extra_specs'
            : 'flavors'
          : path.includes('keypairs')
            ? 'keypairs'
            : path.includes('server-groups')
              ? 'groups'
              : path.includes('quota')
                ? 'projects'
                : path.includes('hypervisors')
                  ? 'hypervisors'
                  : path.includes('os-services')
                    ? 'services'
                    : path.includes('images')
                      ? 'images'
                      : path.includes('instance-actions')
                        ? 'requests'
                        : 'none'
      : service === 'identity'
        ? (({ project: 'projects', user: 'users', role: 'roles' } as Record<string, string>)[param] ??
          (path.includes('/users')
            ? 'users'
            : path.includes('/projects')
              ? 'projects'
              : path.includes('/roles')
                ? 'roles'
                : path.includes('/domains')
                  ? 'domains'
                  : path.includes('/services')
                    ? 'catalog_services'
                    : path.includes('/endpoints')
                      ? 'endpoints'
                      : path.includes('/regions')
                        ? 'regions'
                        : 'none'))
        : param === 'tag'
          ? 'tags'
          : 'images';
  return write ? (c.owned[kind] ?? []) : [...(c.real[kind] ?? []), ...(c.owned[kind] ?? [])];
}

function fillPath(rng: Rng, c: FuzzContext, service: string, template: string, write: boolean): string {
  let path = template.replace(/:([A-Za-z_]+)/g, (_m, name: string) => pathSegment(rng, idsFor(c, service, template, name, write)));
  if (rng.chance(0.05)) path += rng.pick(['/', '//', '/x', '/..', '/%', '/detail', '/action']);
  if (rng.chance(0.03)) path = path.replace(/\//g, rng.pick(['//', '/./']));
  return path;
}

function tokenHeader(rng: Rng, c: FuzzContext, write: boolean): Record<string, string> {
  // Most cases carry a valid token so they reach the handlers; the rest test the gate.
  const t = rng.weighted<string | null>([
    [write ? 5 : 6, c.tokens.admin],
    [3, c.tokens.demo],
    [0.5, null],
    [0.5, 'garbage'],
    [0.2, 'x'.repeat(600)],
    [0.2, ''],
    [0.2, encodePathBytes(hostileString(rng)).slice(0, 200)],
  ]);
  return t === null ? {} : { 'X-Auth-Token': t };
}

function microversion(rng: Rng): Record<string, string> {
  if (!rng.chance(0.45)) return {};
  const v = rng.weighted<string>([
    [5, `2.${rng.int(1, 100)}`],
    [1, 'latest'],
    [1, hostileString(rng)],
    [1, rng.pick(['2', '3.0', '2.1.1', '2.-1', '2.999999999999', ' 2.1', '2.1 ', 'compute 2.1', '2.01', '2.0x1'])],
  ]);
  const value = encodeHeader(v);
  return rng.pick<Record<string, string>>([
    { 'OpenStack-API-Version': `compute ${value}` },
    { 'OpenStack-API-Version': value },
    { 'X-OpenStack-Nova-API-Version': value },
    { 'OpenStack-API-Version': `volume 3.0, compute ${value}`, 'X-OpenStack-Nova-API-Version': '2.1' },
  ]);
}

/** Any text as a header value Node's client will send (no CR, LF, NUL or other controls). */
function encodeHeader(text: string): string {
  // A header may not carry control bytes: they are replaced.
  // eslint-disable-next-line no-control-regex -- the pattern exists to match control bytes
  const controls = /[\x00-\x08\x0a-\x1f\x7f]/g;
  return Buffer.from(text, 'utf8').toString('latin1').replace(controls, '?');
}

function extraHeaders(rng: Rng): Record<string, string> {
  const h: Record<string, string> = {};
  if (rng.chance(0.1)) h.Accept = rng.pick(['application/xml', '*/*', 'text/html', encodeHeader(hostileString(rng)).slice(0, 100)]);
  if (rng.chance(0.05)) h.Host = rng.pick(['[', 'a:b:c', 'x'.repeat(300), '', 'evil.example', '127.0.0.1:0']);
  if (rng.chance(0.05)) h['X-Forwarded-For'] = encodeHeader(hostileString(rng)).slice(0, 100);
  if (rng.chance(0.05)) h['Accept-Encoding'] = rng.pick(['gzip, deflate, br', 'identity;q=0', '*;q=0']);
  if (rng.chance(0.03)) h.Origin = rng.pick(['null', 'http://evil.example', 'file://']);
  return h;
}

interface BodyPlan {
  body?: Buffer;
  contentType?: string;
}

function jsonBody(rng: Rng, template: unknown, limitBytes: number, jsonType = 'application/json'): BodyPlan {
  const contentType = rng.weighted<string | undefined>([
    [8, jsonType],
    [1, undefined],
    [0.5, 'text/plain'],
    [0.5, 'application/json; charset=utf-7'],
    [0.3, 'application/x-www-form-urlencoded'],
    [0.3, 'multipart/form-data; boundary=x'],
    [0.3, 'application/json; charset=latin1'],
    [0.2, encodeHeader(hostileString(rng)).slice(0, 80)],
  ]);
  const valid = JSON.stringify(template ?? hostileValue(rng));
  const body = rng.weighted<() => Buffer>([
    [6, () => Buffer.from(JSON.stringify(template !== undefined ? mutate(rng, template) : hostileValue(rng)) ?? 'null')],
    [1.5, () => Buffer.from(JSON.stringify(hostileValue(rng)) ?? 'null')],
    [1.5, () => malformedJson(rng, valid)],
    [0.6, () => Buffer.from(deepJsonText(rng, rng.pick([33, 200, 5000, 100_000])))],
    [0.3, () => Buffer.alloc(limitBytes + rng.int(1, 4096), 0x20)],
    [0.3, () => Buffer.from(JSON.stringify({ pad: 'x'.repeat(limitBytes + 10) }))],
    [0.5, () => Buffer.alloc(0)],
  ])();
  return { body, contentType };
}

function httpCase(
  listener: Listener,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  plan: BodyPlan = {},
  rng?: Rng,
): HttpCase {
  const h = { ...headers };
  if (plan.contentType !== undefined) h['Content-Type'] = plan.contentType;
  const abort = rng?.chance(0.04) ? (plan.body && plan.body.length > 1 && rng.chance(0.5) ? 'mid-body' : 'on-response') : undefined;
  return { kind: 'http', listener, port, method, path, headers: h, body: plan.body, ...(abort ? { abort } : {}) };
}

/** A case against an express API from its route table (nova-api, keystone or glance). */
function apiCase(
  rng: Rng,
  c: FuzzContext,
  service: 'compute' | 'identity' | 'image',
  port: number,
  prefix = '',
  listener: Listener = service,
): HttpCase {
  const route = rng.pick(c.routes[service]);
  const declared = route.methods.length ? route.methods : ['GET'];
  const method = rng.chance(0.85) ? rng.pick(declared) : rng.pick(METHODS);
  const write = WRITES.has(method);
  let path = rng.chance(0.01) ? rng.pick(ODD_TARGETS) : fillPath(rng, c, service, route.path, write);
  if (rng.chance(0.3))
    path += `?${hostileQuery(rng, ['limit', 'marker', 'name', 'status', 'sort_key', 'sort_dir', 'changes-since', 'all_tenants', 'deleted', 'host', 'flavor', 'image', 'ip', 'project_id', 'user_id', 'visibility', 'member_status', 'tag', 'domain_id', 'enabled', 'since', 'type', 'minDisk', 'minRam', 'is_public'])}`;
  const headers = { ...tokenHeader(rng, c, write), ...(service === 'compute' ? microversion(rng) : {}), ...extraHeaders(rng) };
  if (service === 'identity' && rng.chance(0.3)) {
    // Validating a token is a read; revoking one must never revoke the fuzzer's own.
    headers['X-Subject-Token'] = method === 'GET' && rng.chance(0.5) ? c.tokens.demo : encodeHeader(hostileString(rng)).slice(0, 600);
  }
  let plan: BodyPlan = {};
  const table = service === 'compute' ? COMPUTE_TEMPLATES : service === 'identity' ? IDENTITY_TEMPLATES : IMAGE_TEMPLATES;
  const template = templateFor(table, method, route.path)?.(c, rng);
  const limit = service === 'compute' ? 1024 * 1024 : 64 * 1024;
  if (service === 'image' && method === 'PUT' && route.path.endsWith('/file')) {
    plan = {
      body: imageBytes(rng),
      contentType: rng.pick(['application/octet-stream', 'application/octet-stream', 'application/json', 'text/plain']),
    };
  } else if (service === 'image' && method === 'PATCH') {
    plan = jsonBody(
      rng,
      template,
      limit,
      rng.pick([
        'application/openstack-images-v2.1-json-patch',
        'application/openstack-images-v2.0-json-patch',
        'application/json-patch+json',
      ]),
    );
  } else if (write && method !== 'DELETE' ? true : rng.chance(0.1)) {
    plan = jsonBody(rng, template, limit);
  }
  return {
    ...httpCase(listener, port, method, prefix + path, headers, plan, rng),
    route: `${service} ${route.methods.join(',') || 'ALL'} ${route.path}`,
  };
}

/** Bytes for an image upload: garbage, a truncated or lying qcow2 header, a VMDK descriptor. */
function imageBytes(rng: Rng): Buffer {
  const qcow2 = (backing: string) => {
    const b = Buffer.alloc(512);
    b.write('QFI\xfb', 0, 'latin1');
    b.writeUInt32BE(rng.pick([1, 2, 3, 99]), 4);
    if (backing) {
      b.writeBigUInt64BE(256n, 8);
      b.writeUInt32BE(backing.length, 16);
      b.write(backing, 256, 'latin1');
    }
    b.writeBigUInt64BE(BigInt(rng.pick([0, 1, 2 ** 30, 2 ** 50])), 24);
    return b;
  };
  return rng.weighted<() => Buffer>([
    [3, () => Buffer.from(Array.from({ length: rng.int(0, 4096) }, () => rng.int(0, 255)))],
    [2, () => qcow2('')],
    [2, () => qcow2(rng.pick(['/etc/shadow', '../../db/nova.json', 'json:{"file.filename":"/etc/passwd"}']))],
    [1, () => Buffer.from('# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\nRW 1 FLAT "/etc/passwd" 0\n')],
    // Another format's magic over garbage: qemu-img's refusal names the file it opened.
    [
      2,
      () =>
        Buffer.concat([
          Buffer.from(rng.pick(['KDMV', 'conectix', 'vhdxfile', '<<< Oracle VM VirtualBox Disk Image >>>\n']), 'latin1'),
          Buffer.from(Array.from({ length: rng.int(100, 3000) }, () => rng.int(0, 255))),
        ]),
    ],
    [1, () => Buffer.alloc(0)],
  ])();
}

function metadataCase(rng: Rng, c: FuzzContext): HttpCase {
  let path = rng.weighted<string>([
    [15, rng.pick(c.routes.metadata)],
    [4, `/${rng.pick(['openstack', 'latest', '2009-04-04'])}/${pathSegment(rng, [])}/${pathSegment(rng, [])}`],
    [1, rng.pick(ODD_TARGETS)],
  ]);
  if (rng.chance(0.1)) path += `?${hostileQuery(rng, [])}`;
  const id = rng.weighted<string>([
    [5, rng.pick([...(c.real.servers ?? []), uuidLike(rng)])],
    [1, encodeHeader(hostileString(rng)).slice(0, 300)],
  ]);
  const sign = (v: string) => createHmac('sha256', c.metadataSecret).update(v).digest('hex');
  // With a valid signature (reaches the handlers), with a wrong one, with none.
  const headers = rng.weighted<Record<string, string>>([
    [6, { 'X-Instance-ID': id, 'X-Instance-ID-Signature': sign(id) }],
    [
      1,
      {
        'X-Instance-ID': id,
        'X-Instance-ID-Signature': rng.pick([
          '',
          'zz',
          sign('other'),
          sign(id).toUpperCase(),
          'a'.repeat(64),
          encodeHeader(hostileString(rng)).slice(0, 100),
        ]),
      },
    ],
    [1, { 'X-Instance-ID': id }],
    [1, {}],
  ]);
  const method = rng.chance(0.85) ? 'GET' : rng.pick(METHODS);
  return httpCase(
    'metadata',
    c.ports.metadata,
    method,
    path,
    { ...headers, ...extraHeaders(rng) },
    WRITES.has(method) ? jsonBody(rng, undefined, 1024) : {},
    rng,
  );
}

function ec2Case(rng: Rng, c: FuzzContext): HttpCase {
  const action = rng.chance(0.8) ? encodePathBytes(hostileString(rng)) : '';
  const q = `Action=${action}&${hostileQuery(rng, ['Version', 'AWSAccessKeyId', 'Signature', 'SignatureMethod', 'InstanceId.1', 'MaxCount'])}`;
  const method = rng.weighted<string>([
    [5, 'GET'],
    [4, 'POST'],
    [1, rng.pick(METHODS)],
  ]);
  const path = rng.weighted<string>([
    [8, '/'],
    [1, `/${pathSegment(rng, [])}`],
    [0.5, rng.pick(ODD_TARGETS)],
  ]);
  if (method === 'POST') {
    const body = rng.chance(0.8)
      ? Buffer.from(q)
      : rng.chance(0.5)
        ? Buffer.alloc(200_000, 0x41)
        : Buffer.from(Array.from({ length: 300 }, () => rng.int(0, 255)));
    return httpCase('ec2', c.ports.ec2, 'POST', path, extraHeaders(rng), { body, contentType: 'application/x-www-form-urlencoded' }, rng);
  }
  return httpCase('ec2', c.ports.ec2, method, `${path}?${q}`, extraHeaders(rng), {}, rng);
}

function consoleHttpCase(rng: Rng, c: FuzzContext): HttpCase {
  let path = rng.chance(0.6)
    ? rng.pick(c.routes.console)
    : rng.pick([
        rng.pick(ODD_TARGETS),
        `/${pathSegment(rng, [])}`,
        `/core/${pathSegment(rng, [])}.js`,
        `/vendor/${pathSegment(rng, [])}/x.js`,
        `/app/${pathSegment(rng, [])}`,
        '//evil.example/x',
        '/\\evil',
        '/core/../../package.json',
        '/core/%2e%2e/%2e%2e/package.json',
      ]);
  if (rng.chance(0.3)) path += `?${hostileQuery(rng, ['token', 'path', 'host', 'port'])}`;
  const method = rng.chance(0.85) ? rng.pick(['GET', 'HEAD']) : rng.pick(METHODS);
  return httpCase(
    'novncproxy',
    c.ports.novncproxy,
    method,
    path,
    extraHeaders(rng),
    WRITES.has(method) && rng.chance(0.5) ? jsonBody(rng, undefined, 1024) : {},
    rng,
  );
}

function guiCase(rng: Rng, c: FuzzContext): HttpCase {
  const kind = rng.weighted<string>([
    [3, 'static'],
    [4, 'lab'],
    [1, 'compute'],
    [1, 'identity'],
    [1, 'image'],
  ]);
  if (kind === 'compute') return apiCase(rng, c, 'compute', c.ports.gui, '/compute', 'gui');
  if (kind === 'identity') return apiCase(rng, c, 'identity', c.ports.gui, '/identity', 'gui');
  if (kind === 'image') return apiCase(rng, c, 'image', c.ports.gui, '/image', 'gui');
  if (kind === 'static') {
    const path = rng.pick([
      '/',
      '/index.html',
      rng.pick(ODD_TARGETS),
      `/assets/${pathSegment(rng, [])}`,
      `/${pathSegment(rng, [])}`,
      '/%',
      '/..%2f..%2fetc/passwd',
      '/assets/../../package.json',
      '/\\..\\..\\x',
      `/${encodePathBytes(hostileString(rng))}`,
    ]);
    const method = rng.chance(0.85) ? rng.pick(['GET', 'HEAD']) : rng.pick(METHODS);
    return httpCase(
      'gui',
      c.ports.gui,
      method,
      path + (rng.chance(0.2) ? `?${hostileQuery(rng, [])}` : ''),
      extraHeaders(rng),
      WRITES.has(method) ? jsonBody(rng, undefined, 1024) : {},
      rng,
    );
  }
  const route = rng.pick(c.routes.labApi);
  const method = rng.chance(0.85) ? rng.pick(route.methods) : rng.pick(METHODS);
  const write = WRITES.has(method);
  const path =
    route.path.replace(':binary', () => rng.pick(['nova-api', 'keystone', pathSegment(rng, [])])) +
    (rng.chance(0.3) ? `?${hostileQuery(rng, ['since', 'request_id', 'instance_uuid', 'host'])}` : '');
  // Admin tokens only for reads and only where the route is not an admin action (see routes.ts).
  const token =
    route.adminOnly || write
      ? rng.weighted<string | null>([
          [5, c.tokens.demo],
          [1, null],
          [1, 'garbage'],
        ])
      : rng.weighted<string | null>([
          [5, c.tokens.admin],
          [3, c.tokens.demo],
          [1, null],
          [1, 'garbage'],
        ]);
  const headers = {
    ...(token === null ? {} : { 'X-Auth-Token': token }),
    ...(rng.chance(0.05) ? { 'X-Novalab-Control': encodeHeader(hostileString(rng)).slice(0, 100) } : {}),
    ...extraHeaders(rng),
  };
  const template =
    route.path === '/lab/api/config'
      ? { changes: [{ section: 'DEFAULT', name: 'ram_allocation_ratio', value: 1.5 }] }
      : route.path.startsWith('/lab/api/step-mode')
        ? { enabled: true, request_id: 'x' }
        : undefined;
  return httpCase('gui', c.ports.gui, method, path, headers, write || rng.chance(0.1) ? jsonBody(rng, template, 256 * 1024) : {}, rng);
}

// --- WebSockets: a raw client, so frames can be malformed (unmasked, reserved bits, lying lengths).

export function wsFrame(opts: {
  opcode: number;
  payload: Buffer;
  mask?: boolean;
  fin?: boolean;
  rsv?: number;
  lieLength?: number;
}): Buffer {
  const { opcode, payload, mask = true, fin = true, rsv = 0 } = opts;
  const len = opts.lieLength ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)];
  const m = mask ? 0x80 : 0;
  if (len < 126) head.push(m | len);
  else if (len < 65536) head.push(m | 126, len >> 8, len & 0xff);
  else {
    head.push(m | 127);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    head.push(...b);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), key, masked]);
}

function hostileFrames(rng: Rng, first: Buffer[]): Buffer[] {
  const frames = [...first];
  for (let i = rng.int(0, 3); i > 0; i--) {
    frames.push(
      rng.weighted<() => Buffer>([
        [3, () => wsFrame({ opcode: rng.pick([1, 2]), payload: Buffer.from(JSON.stringify(hostileValue(rng)) ?? 'null') })],
        [1, () => wsFrame({ opcode: 1, payload: Buffer.from([0xff, 0xfe, 0xc0]) })], // invalid UTF-8 text
        [1, () => wsFrame({ opcode: 2, payload: Buffer.from([1, 2, 3]), mask: false })], // clients must mask
        [1, () => wsFrame({ opcode: rng.pick([3, 7, 11, 15]), payload: Buffer.from('x') })], // reserved opcodes
        [1, () => wsFrame({ opcode: 1, payload: Buffer.from('x'), rsv: rng.int(1, 7) })],
        [1, () => wsFrame({ opcode: 2, payload: Buffer.alloc(10), lieLength: rng.pick([2 ** 31, 2 ** 53 - 1, 70_000]) })],
        [1, () => wsFrame({ opcode: 9, payload: Buffer.alloc(200) })], // a ping longer than 125 bytes
        [1, () => wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe7, 0xff]) })], // close with a bad code and reason
        [1, () => wsFrame({ opcode: 1, payload: Buffer.from('x'), fin: false })],
        [0.5, () => wsFrame({ opcode: 2, payload: Buffer.alloc(rng.pick([70_000, 5 * 1024 * 1024]), 1) })],
        [1, () => Buffer.from(Array.from({ length: rng.int(1, 50) }, () => rng.int(0, 255)))],
      ])(),
    );
  }
  return frames;
}

function handshake(rng: Rng, host: string, origin: string | null): string[] {
  const lines = [
    `Host: ${host}`,
    rng.chance(0.95) ? 'Upgrade: websocket' : `Upgrade: ${rng.pick(['h2c', 'WebSocket', ''])}`,
    rng.chance(0.95) ? 'Connection: Upgrade' : 'Connection: keep-alive',
    `Sec-WebSocket-Key: ${rng.chance(0.9) ? 'dGhlIHNhbXBsZSBub25jZQ==' : rng.pick(['', 'short', '!!!!', 'x'.repeat(300)])}`,
    `Sec-WebSocket-Version: ${rng.chance(0.9) ? '13' : rng.pick(['8', '99', '', 'abc'])}`,
  ];
  if (origin !== null) lines.push(`Origin: ${origin}`);
  if (rng.chance(0.3)) lines.push(`Sec-WebSocket-Protocol: ${rng.pick(['binary', 'base64', 'binary, base64', 'x'.repeat(200), ',,,'])}`);
  if (rng.chance(0.2))
    lines.push(`Sec-WebSocket-Extensions: ${rng.pick(['permessage-deflate', 'permessage-deflate; client_max_window_bits=99', 'x; y=1'])}`);
  return lines;
}

function consoleWsCase(rng: Rng, c: FuzzContext): WsCase {
  const host = `127.0.0.1:${c.ports.novncproxy}`;
  const origin = rng.weighted<string | null>([
    [7, `http://${host}`],
    [1, `http://127.0.0.1:${c.ports.gui}`],
    [1, 'http://evil.example'],
    [1, null],
    [0.5, 'null'],
  ]);
  const token = rng.weighted<string>([
    [5, encodePathBytes(hostileString(rng)).slice(0, 300)],
    [2, uuidLike(rng)],
    [1, ''],
  ]);
  const path = rng.pick([`/?token=${token}`, `/websockify?token=${token}`, `/?path=%3Ftoken%3D${token}`, `/${pathSegment(rng, [])}`, '/']);
  return {
    kind: 'ws',
    listener: 'novncproxy-ws',
    port: c.ports.novncproxy,
    path,
    headerLines: handshake(rng, host, origin),
    frames: hostileFrames(rng, []),
    label: `WS ${path.slice(0, 80)}`,
  };
}

function eventsWsCase(rng: Rng, c: FuzzContext): WsCase {
  const host = `127.0.0.1:${c.ports.gui}`;
  const path = rng.chance(0.9)
    ? '/lab/api/events/stream' + (rng.chance(0.2) ? `?${hostileQuery(rng, ['since', 'token'])}` : '')
    : `/lab/api/${pathSegment(rng, [])}`;
  const auth = rng.weighted<Buffer>([
    [
      4,
      Buffer.from(
        JSON.stringify({
          token: rng.pick([c.tokens.admin, c.tokens.demo]),
          since: rng.pick<unknown>([0, -1, 1e308, 'abc', null, hostileValue(rng)]),
        }),
      ),
    ],
    [2, Buffer.from(JSON.stringify({ token: rng.pick<unknown>([hostileString(rng), 1, null, [], {}]), since: 0 }))],
    [2, Buffer.from(JSON.stringify(hostileValue(rng)) ?? 'null')],
    [1, malformedJson(rng, '{"token":"x"}')],
  ]);
  const first = rng.chance(0.85) ? [wsFrame({ opcode: rng.chance(0.85) ? 1 : 2, payload: auth })] : [];
  return {
    kind: 'ws',
    listener: 'gui-events',
    port: c.ports.gui,
    path,
    headerLines: handshake(rng, host, rng.chance(0.8) ? `http://${host}` : null),
    frames: hostileFrames(rng, first),
    label: `WS ${path.slice(0, 80)}`,
  };
}

// --- Malformed HTTP, byte for byte, against any listener.

function rawCase(rng: Rng, c: FuzzContext): RawCase {
  const [listener, port] = rng.pick(Object.entries(c.ports)) as [Listener, number];
  const token = `X-Auth-Token: ${c.tokens.admin}\r\n`;
  const path = rng.pick(['/', '/v2.1/servers', '/v3/users', '/v2/images', '/lab/api/services', '/openstack/latest/meta_data.json']);
  const variants: [string, string][] = [
    [
      'bad Content-Length',
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${token}Content-Length: ${rng.pick(['abc', '-1', '1e3', '99999999999999999999', '0x10', ' 5'])}\r\n\r\n{}`,
    ],
    [
      'Content-Length and chunked',
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${token}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    [
      'bad chunk size',
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${token}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${rng.pick(['zz', '-1', 'ffffffffffffffff', '1;ext=' + 'x'.repeat(5000)])}\r\n{}\r\n0\r\n\r\n`,
    ],
    ['two Content-Lengths', `POST ${path} HTTP/1.1\r\nHost: x\r\n${token}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`],
    ['header without colon', `GET ${path} HTTP/1.1\r\nHost: x\r\n${token}NoColonHere\r\n\r\n`],
    ['control bytes in a header', `GET ${path} HTTP/1.1\r\nHost: x\r\n${token}X-Bad: a\x00b\x07c\r\n\r\n`],
    ['CR in a header value', `GET ${path} HTTP/1.1\r\nHost: x\r\n${token}X-Bad: a\rb\r\n\r\n`],
    ['huge header', `GET ${path} HTTP/1.1\r\nHost: x\r\n${token}X-Big: ${'x'.repeat(rng.pick([9000, 20000, 70000]))}\r\n\r\n`],
    ['many headers', `GET ${path} HTTP/1.1\r\nHost: x\r\n${token}${Array.from({ length: 3000 }, (_, i) => `X-H${i}: 1\r\n`).join('')}\r\n`],
    ['bare LF', `GET ${path} HTTP/1.1\nHost: x\n${token.replace('\r\n', '\n')}\n`],
    ['obs-fold', `GET ${path} HTTP/1.1\r\nHost: x\r\n${token}X-Fold: a\r\n b\r\n\r\n`],
    ['HTTP/0.9', `GET ${path}\r\n\r\n`],
    ['HTTP/9.9', `GET ${path} HTTP/9.9\r\nHost: x\r\n\r\n`],
    ['unknown method', `${rng.pick(['FOO', 'get', 'G\x00T', 'BREW', 'CONNECT'])} ${path} HTTP/1.1\r\nHost: x\r\n${token}\r\n`],
    ['absolute-form', `GET http://evil.example${path} HTTP/1.1\r\nHost: x\r\n${token}\r\n`],
    ['odd target', `GET ${rng.pick(ODD_TARGETS)} HTTP/1.1\r\nHost: x\r\n${token}\r\n`],
    ['asterisk-form', `OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n`],
    ['space in target', `GET /a b HTTP/1.1\r\nHost: x\r\n\r\n`],
    ['raw high bytes in target', `GET /\xff\xfe%\xc0 HTTP/1.1\r\nHost: x\r\n${token}\r\n`],
    ['no Host', `GET ${path} HTTP/1.1\r\n${token}\r\n`],
    ['two Hosts', `GET ${path} HTTP/1.1\r\nHost: a\r\nHost: b\r\n${token}\r\n`],
    [
      'Expect without body',
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${token}Expect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n`,
    ],
    ['truncated body', `POST ${path} HTTP/1.1\r\nHost: x\r\n${token}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`],
    ['request line only', `GET ${path} HTTP/1.1\r\n`],
    ['garbage', Buffer.from(Array.from({ length: rng.int(1, 300) }, () => rng.int(0, 255))).toString('latin1')],
    [
      'upgrade to a plain API',
      `GET ${path} HTTP/1.1\r\nHost: x\r\n${token}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    [
      'pipelined',
      `GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /% HTTP/1.1\r\nHost: x\r\n${token}\r\nPOST ${path} HTTP/1.1\r\nHost: x\r\n${token}Content-Length: 1\r\n\r\n{`,
    ],
    ['latin1 token', `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: \xe9\xff\xfe\r\n\r\n`],
  ];
  const [label, text] = rng.pick(variants);
  return { kind: 'raw', listener: 'raw-http', port, label: `${listener}: ${label}`, bytes: Buffer.from(text, 'latin1') };
}

/** Share of each listener in a run (out of 100). */
const MIX: [number, string][] = [
  [28, 'compute'],
  [12, 'identity'],
  [12, 'image'],
  [8, 'metadata'],
  [4, 'ec2'],
  [5, 'novncproxy'],
  [4, 'novncproxy-ws'],
  [13, 'gui'],
  [4, 'gui-events'],
  [10, 'raw'],
];

export function makeCase(seed: string, caseNo: number, c: FuzzContext): FuzzCase {
  const rng = caseRng(seed, caseNo);
  switch (rng.weighted(MIX)) {
    case 'compute':
      return apiCase(rng, c, 'compute', c.ports.compute);
    case 'identity':
      return apiCase(rng, c, 'identity', c.ports.identity);
    case 'image':
      return apiCase(rng, c, 'image', c.ports.image);
    case 'metadata':
      return metadataCase(rng, c);
    case 'ec2':
      return ec2Case(rng, c);
    case 'novncproxy':
      return consoleHttpCase(rng, c);
    case 'novncproxy-ws':
      return consoleWsCase(rng, c);
    case 'gui':
      return guiCase(rng, c);
    case 'gui-events':
      return eventsWsCase(rng, c);
    default:
      return rawCase(rng, c);
  }
}
