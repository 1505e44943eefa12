// Request body schemas, as Nova's (nova/api/openstack/compute/schemas/*), per microversion.
// Unknown fields are refused (additionalProperties: false).
import { atLeast, type ApiVersion } from './microversion.js';
import { compile, T, type Check } from './validation.js';
import type { ServerCreateBody } from '../../contract/openstack-api.js';

export type { ServerCreateBody };

const networksList = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      fixed_ip: { type: 'string' },
      port: { type: ['string', 'null'] },
      uuid: { type: 'string' },
      tag: { type: 'string' },
    },
    additionalProperties: false,
  },
};

const schedulerHints = {
  type: 'object',
  additionalProperties: { type: ['string', 'array'], items: { type: 'string' } },
};

function serverCreateSchema(v: ApiVersion): object {
  const props: Record<string, unknown> = {
    name: T.name,
    imageRef: { type: 'string' },
    flavorRef: { type: ['string', 'integer'], minLength: 1 },
    adminPass: { type: 'string' },
    metadata: T.metadata,
    networks: atLeast(v, '2.37') ? { oneOf: [networksList, { type: 'string', enum: ['none', 'auto'] }] } : networksList,
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
    accessIPv4: T.accessIPv4,
    accessIPv6: T.accessIPv6,
    availability_zone: T.name,
    block_device_mapping: { type: 'array' },
    block_device_mapping_v2: { type: 'array' },
    config_drive: T.boolean,
    key_name: T.name,
    min_count: T.positiveInt,
    max_count: T.positiveInt,
    return_reservation_id: T.boolean,
    security_groups: {
      type: 'array',
      items: { type: 'object', properties: { name: T.name }, additionalProperties: false },
    },
    user_data: { type: 'string', maxLength: 65535 },
  };
  if (!atLeast(v, '2.57')) props.personality = { type: 'array' };
  if (atLeast(v, '2.19')) props.description = T.description;
  if (atLeast(v, '2.52'))
    props.tags = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 60, pattern: '^[^,/]*$' }, maxItems: 50 };
  if (atLeast(v, '2.63')) props.trusted_image_certificates = { type: ['array', 'null'] };
  if (atLeast(v, '2.74')) {
    props.host = T.name;
    props.hypervisor_hostname = T.name;
  }
  if (atLeast(v, '2.90'))
    props.hostname = { type: 'string', minLength: 2, maxLength: 63, pattern: '^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$' };
  return {
    type: 'object',
    properties: {
      server: {
        type: 'object',
        properties: props,
        required: atLeast(v, '2.37') ? ['name', 'flavorRef', 'networks'] : ['name', 'flavorRef'],
        additionalProperties: false,
      },
      'os:scheduler_hints': schedulerHints,
      'OS-SCH-HNT:scheduler_hints': schedulerHints,
    },
    required: ['server'],
    additionalProperties: false,
  };
}

/**
 * A body check per band of microversions: `cuts` are the versions where the schema changes,
 * and each band's check is built once, from the first version asked for in it.
 */
export function versionedCheck<T>(cuts: readonly string[], schema: (v: ApiVersion) => object): (v: ApiVersion) => Check<T> {
  const checks = new Map<string, Check<T>>();
  return (v) => {
    const key = cuts.filter((c) => atLeast(v, c)).join(',');
    let check = checks.get(key);
    if (!check) {
      check = compile<T>(schema(v));
      checks.set(key, check);
    }
    return check;
  };
}

export const serverCreateCheck = versionedCheck<ServerCreateBody>(
  ['2.19', '2.37', '2.52', '2.57', '2.63', '2.74', '2.90'],
  serverCreateSchema,
);

/** PUT /servers/{id} (Nova's update_v20/v219/v290 schemas). */
function serverUpdateSchema(v: ApiVersion): object {
  const props: Record<string, unknown> = {
    name: T.name,
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
    accessIPv4: T.accessIPv4,
    accessIPv6: T.accessIPv6,
  };
  if (atLeast(v, '2.19')) props.description = T.description;
  if (atLeast(v, '2.90')) props.hostname = T.hostname;
  return {
    type: 'object',
    properties: { server: { type: 'object', properties: props, additionalProperties: false } },
    required: ['server'],
    additionalProperties: false,
  };
}

export interface ServerUpdateBody {
  server: {
    name?: string;
    'OS-DCF:diskConfig'?: string;
    accessIPv4?: string;
    accessIPv6?: string;
    description?: string | null;
    hostname?: string;
  };
}

export const serverUpdateCheck = versionedCheck<ServerUpdateBody>(['2.19', '2.90'], serverUpdateSchema);

const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

export const checkResetState = compile<{ 'os-resetState': { state: 'active' | 'error' } }>(
  obj({ 'os-resetState': obj({ state: { type: 'string', enum: ['active', 'error'] } }, ['state']) }, ['os-resetState']),
);

export const checkReboot = compile<{ reboot: { type: string } }>(
  obj(
    {
      reboot: obj({ type: { type: 'string', enum: ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft'] } }, ['type']),
    },
    ['reboot'],
  ),
);

export const checkConsoleOutput = compile<{ 'os-getConsoleOutput': { length?: number | string | null } }>(
  obj(
    {
      'os-getConsoleOutput': obj({ length: { type: ['integer', 'string', 'null'], pattern: '^-?[0-9]+$', minimum: -1 } }),
    },
    ['os-getConsoleOutput'],
  ),
);

export const checkVncConsole = compile<{ 'os-getVNCConsole': { type: string } }>(
  obj(
    {
      'os-getVNCConsole': obj({ type: { type: 'string', enum: ['novnc', 'xvpvnc'] } }, ['type']),
    },
    ['os-getVNCConsole'],
  ),
);

export const checkRemoteConsole = compile<{ remote_console: { protocol: string; type: string } }>(
  obj(
    {
      remote_console: obj(
        {
          protocol: { type: 'string', enum: ['vnc', 'spice', 'rdp', 'serial', 'mks'] },
          type: { type: 'string', enum: ['novnc', 'xvpvnc', 'rdp-html5', 'spice-html5', 'serial', 'webmks'] },
        },
        ['protocol', 'type'],
      ),
    },
    ['remote_console'],
  ),
);

const flavorId = { type: ['string', 'null', 'integer'], minLength: 1, maxLength: 255, pattern: '^(?! )[a-zA-Z0-9. _-]+(?<! )$' };

export interface FlavorCreateBody {
  flavor: {
    name: string;
    id?: string | number | null;
    ram: number | string;
    vcpus: number | string;
    disk: number | string;
    'OS-FLV-EXT-DATA:ephemeral'?: number | string;
    swap?: number | string;
    rxtx_factor?: number | string;
    'os-flavor-access:is_public'?: boolean | string;
    description?: string | null;
  };
}

function flavorCreateSchema(v: ApiVersion): object {
  const props: Record<string, unknown> = {
    name: T.name,
    id: flavorId,
    ram: T.positiveInt,
    vcpus: T.positiveInt,
    disk: T.nonNegativeInt,
    'OS-FLV-EXT-DATA:ephemeral': T.nonNegativeInt,
    swap: T.nonNegativeInt,
    rxtx_factor: { type: ['number', 'string'], pattern: '^[0-9]+(\\.[0-9]+)?$', exclusiveMinimum: 0 },
    'os-flavor-access:is_public': T.boolean,
  };
  if (atLeast(v, '2.55')) props.description = { type: ['string', 'null'], maxLength: 65535 };
  return obj({ flavor: obj(props, ['name', 'ram', 'vcpus', 'disk']) }, ['flavor']);
}

const flavorChecks = [
  compile<FlavorCreateBody>(flavorCreateSchema({ major: 2, minor: 1 })),
  compile<FlavorCreateBody>(flavorCreateSchema({ major: 2, minor: 55 })),
];
export const flavorCreateCheck = (v: ApiVersion) => flavorChecks[atLeast(v, '2.55') ? 1 : 0]!;

export const checkFlavorUpdate = compile<{ flavor: { description: string | null } }>(
  obj(
    {
      flavor: obj({ description: { type: ['string', 'null'], maxLength: 65535 } }, ['description']),
    },
    ['flavor'],
  ),
);

const specValue = { type: ['string', 'number', 'boolean'], minLength: 0, maxLength: 255 };
export const checkExtraSpecs = compile<{ extra_specs: Record<string, string | number | boolean> }>(
  obj(
    {
      extra_specs: { type: 'object', patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': specValue }, additionalProperties: false },
    },
    ['extra_specs'],
  ),
);

export const checkExtraSpecOne = compile<Record<string, string | number | boolean>>({
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': specValue },
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
});

export interface KeypairCreateBody {
  keypair: { name: string; type?: 'ssh' | 'x509'; public_key?: string; user_id?: string };
}

function keypairSchema(v: ApiVersion): object {
  const props: Record<string, unknown> = {
    name: { type: 'string', minLength: 1, maxLength: 255, pattern: atLeast(v, '2.92') ? '^[a-zA-Z0-9 @._-]+$' : '^[a-zA-Z0-9 _-]+$' },
    public_key: { type: 'string' },
  };
  if (atLeast(v, '2.2')) props.type = { type: 'string', enum: ['ssh', 'x509'] };
  if (atLeast(v, '2.10')) props.user_id = { type: 'string' };
  return obj({ keypair: obj(props, atLeast(v, '2.92') ? ['name', 'public_key'] : ['name']) }, ['keypair']);
}

export const keypairCreateCheck = versionedCheck<KeypairCreateBody>(['2.2', '2.10', '2.92'], keypairSchema);

const quotaInt = { type: ['integer', 'string'], pattern: '^-?[0-9]+$', minimum: -1, minLength: 1 };
const QUOTA_KEYS = [
  'instances',
  'cores',
  'ram',
  'key_pairs',
  'metadata_items',
  'server_groups',
  'server_group_members',
  'injected_files',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
  'fixed_ips',
  'floating_ips',
  'security_groups',
  'security_group_rules',
  'networks',
];
export const checkQuotaUpdate = compile<{ quota_set: Record<string, number | string | boolean> }>(
  obj(
    {
      quota_set: obj({ ...Object.fromEntries(QUOTA_KEYS.map((k) => [k, quotaInt])), force: T.boolean }),
    },
    ['quota_set'],
  ),
);

export const checkServiceUpdate = compile<{ status?: 'enabled' | 'disabled'; disabled_reason?: string; forced_down?: boolean | string }>(
  obj({
    status: { type: 'string', enum: ['enabled', 'disabled'] },
    disabled_reason: { type: 'string', minLength: 1, maxLength: 255 },
    forced_down: T.boolean,
  }),
);

export const checkServiceLegacy = compile<{ host: string; binary: string; disabled_reason?: string; forced_down?: boolean | string }>(
  obj(
    {
      host: T.nameOrEmpty,
      binary: T.nameOrEmpty,
      disabled_reason: { type: 'string', minLength: 1, maxLength: 255 },
      forced_down: T.boolean,
    },
    ['host', 'binary'],
  ),
);

// PUT /os-hosts/{host} (2.1..2.42): a flat body; Nova's anyOf sits inside `properties`, so
// neither key is required (an empty body is a 200 with only the host).
const HOST_SWITCH = { type: 'string', enum: ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE'] };
export const checkHostUpdate = compile<{ status?: string; maintenance_mode?: string }>(
  obj({ status: HOST_SWITCH, maintenance_mode: HOST_SWITCH }),
);

// os-server-groups create: `policies` (a list of exactly one) before 2.64, `policy` and `rules`
// from 2.64; the soft policies exist from 2.15.
export interface ServerGroupCreateBody {
  server_group: { name: string; policies?: string[]; policy?: string; rules?: { max_server_per_host?: number | string } };
}
function serverGroupSchema(v: ApiVersion): object {
  const policies = ['anti-affinity', 'affinity', ...(atLeast(v, '2.15') ? ['soft-anti-affinity', 'soft-affinity'] : [])];
  const group = atLeast(v, '2.64')
    ? obj(
        {
          name: T.name,
          policy: { type: 'string', enum: policies },
          rules: { type: 'object', properties: { max_server_per_host: T.positiveInt }, additionalProperties: false },
        },
        ['name', 'policy'],
      )
    : obj(
        {
          name: T.name,
          policies: {
            type: 'array',
            items: [{ type: 'string', enum: policies }],
            uniqueItems: true,
            minItems: 1,
            maxItems: 1,
            additionalItems: false,
          },
        },
        ['name', 'policies'],
      );
  return obj({ server_group: group }, ['server_group']);
}
export const serverGroupCreateCheck = versionedCheck<ServerGroupCreateBody>(['2.15', '2.64'], serverGroupSchema);

// os-aggregates (nova/api/openstack/compute/schemas/aggregates.py, 2.1+): a zone name has no
// ":" and no leading or trailing space; an update's name may have them (Nova strips them).
const azName = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^\\s:]([^:]*[^\\s:])?$' };
const azOrNull = { oneOf: [azName, { type: 'null' }] };
const nameWithSpaces = { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' };
const fqdn = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' };

export const checkAggregateCreate = compile<{ aggregate: { name: string; availability_zone?: string | null } }>(
  obj({ aggregate: obj({ name: T.name, availability_zone: azOrNull }, ['name']) }, ['aggregate']),
);

export const checkAggregateUpdate = compile<{ aggregate: { name?: string; availability_zone?: string | null } }>(
  obj(
    {
      aggregate: {
        ...obj({ name: nameWithSpaces, availability_zone: azOrNull }),
        anyOf: [{ required: ['name'] }, { required: ['availability_zone'] }],
      },
    },
    ['aggregate'],
  ),
);

export const checkAggregateAddHost = compile<{ add_host: { host: string } }>(
  obj({ add_host: obj({ host: fqdn }, ['host']) }, ['add_host']),
);
export const checkAggregateRemoveHost = compile<{ remove_host: { host: string } }>(
  obj({ remove_host: obj({ host: fqdn }, ['host']) }, ['remove_host']),
);

export const checkAggregateSetMetadata = compile<{ set_metadata: { metadata: Record<string, string | null> } }>(
  obj(
    {
      set_metadata: obj(
        {
          metadata: {
            type: 'object',
            patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: ['string', 'null'], maxLength: 255 } },
            additionalProperties: false,
          },
        },
        ['metadata'],
      ),
    },
    ['set_metadata'],
  ),
);

// os-flavor-access actions (nova/api/openstack/compute/schemas/flavor_access.py)
const tenantAccess = (action: string) =>
  obj({ [action]: obj({ tenant: { type: 'string', minLength: 1, maxLength: 255 } }, ['tenant']) }, [action]);
export const checkAddTenantAccess = compile<{ addTenantAccess: { tenant: string } }>(tenantAccess('addTenantAccess'));
export const checkRemoveTenantAccess = compile<{ removeTenantAccess: { tenant: string } }>(tenantAccess('removeTenantAccess'));
