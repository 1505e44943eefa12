// What the metadata service answers for one instance (pure): the OpenStack tree
// (/openstack/<version>/meta_data.json, user_data, vendor_data.json, network_data.json) and
// the EC2 tree (/<version>/meta-data/…, /<version>/user-data).
import type { Instance } from '../../../contract/model.js';

export interface MdReply {
  status: number;
  type: string;
  body: string | Buffer;
}

export const OPENSTACK_VERSIONS = [
  '2012-08-10',
  '2013-04-04',
  '2013-10-17',
  '2015-10-15',
  '2016-06-30',
  '2016-10-06',
  '2017-02-22',
  '2018-08-27',
  '2020-10-14',
  'latest',
];
export const EC2_VERSIONS = [
  '1.0',
  '2007-01-19',
  '2007-03-01',
  '2007-08-29',
  '2007-10-10',
  '2007-12-15',
  '2008-02-01',
  '2008-09-01',
  '2009-04-04',
  'latest',
];

const text = (body: string, status = 200): MdReply => ({ status, type: 'text/plain; charset=UTF-8', body });
const json = (body: unknown): MdReply => ({ status: 200, type: 'application/json', body: JSON.stringify(body) });
export const notFoundReply = (): MdReply => text('404 Not Found\n\nThe resource could not be found.\n', 404);

/** The listing at the root (no identity needed), as Nova prints it. */
export const rootListing = (): MdReply => text(EC2_VERSIONS.join('\n'));

const userData = (i: Instance): Buffer | null => (i.user_data ? Buffer.from(i.user_data, 'base64') : null);
const ec2Id = (prefix: string, n: number) => `${prefix}-${n.toString(16).padStart(8, '0')}`;

export function metaDataJson(i: Instance): Record<string, unknown> {
  const keys = i.key_name && i.key_data ? [{ name: i.key_name, type: 'ssh', data: i.key_data }] : [];
  return {
    uuid: i.uuid,
    meta: { ...i.metadata },
    public_keys: Object.fromEntries(keys.map((k) => [k.name, k.data])),
    keys,
    hostname: i.hostname,
    name: i.name,
    launch_index: i.launch_index,
    availability_zone: i.availability_zone,
    project_id: i.project_id,
    devices: [],
  };
}

export function networkDataJson(i: Instance): Record<string, unknown> {
  return {
    links: i.addresses.map((a, n) => ({
      id: `tap${n}`,
      vif_id: `${i.uuid}-${n}`,
      type: 'ethernet',
      mtu: 1500,
      ethernet_mac_address: a.mac,
    })),
    networks: i.addresses.map((a, n) => ({ id: `network${n}`, type: 'ipv4_dhcp', link: `tap${n}`, network_id: a.network })),
    services: [],
  };
}

function openstack(rest: string[], i: Instance): MdReply {
  if (rest.length === 0) return text(OPENSTACK_VERSIONS.join('\n'));
  const [version, file, ...more] = rest;
  if (!OPENSTACK_VERSIONS.includes(version!) || more.length) return notFoundReply();
  const ud = userData(i);
  switch (file) {
    case undefined:
    case '':
      return text(
        ['meta_data.json', 'password', 'vendor_data.json', 'network_data.json', 'vendor_data2.json', ...(ud ? ['user_data'] : [])].join(
          '\n',
        ),
      );
    case 'meta_data.json':
      return json(metaDataJson(i));
    case 'network_data.json':
      return json(networkDataJson(i));
    case 'vendor_data.json':
    case 'vendor_data2.json':
      return json({});
    case 'password':
      return text(i.server_password ?? '');
    case 'user_data':
      return ud ? { status: 200, type: 'application/octet-stream', body: ud } : notFoundReply();
    default:
      return notFoundReply();
  }
}

/** The EC2 meta-data tree: a value is a string; a folder is a map. */
type Tree = { [k: string]: string | Tree };

function ec2Tree(i: Instance): Tree {
  const tree: Tree = {
    'ami-id': ec2Id('ami', parseInt(i.image.id.replace(/-/g, '').slice(0, 7), 16) || 1),
    'ami-launch-index': String(i.launch_index),
    'ami-manifest-path': 'FIXME',
    'block-device-mapping': { ami: 'vda', root: '/dev/vda' },
    hostname: i.hostname,
    'instance-action': 'none',
    'instance-id': ec2Id('i', i.seq),
    'instance-type': i.flavor.name,
    'local-hostname': i.hostname,
    'local-ipv4': i.addresses[0]?.ip ?? '',
    placement: { 'availability-zone': i.availability_zone ?? '' },
    'public-hostname': i.hostname,
    'public-ipv4': '',
    'reservation-id': i.reservation_id,
    'security-groups': 'default',
  };
  if (i.key_name && i.key_data) tree['public-keys'] = { [`0=${i.key_name}`]: '' };
  return tree;
}

function ec2(rest: string[], i: Instance): MdReply {
  const ud = userData(i);
  if (rest.length === 0) return text(['meta-data/', ...(ud ? ['user-data'] : [])].join('\n'));
  if (rest[0] === 'user-data' && rest.length === 1)
    return ud ? { status: 200, type: 'application/octet-stream', body: ud } : notFoundReply();
  if (rest[0] !== 'meta-data') return notFoundReply();
  const path = rest.slice(1);
  if (path[0] === 'public-keys' && path.length >= 2) return publicKey(path.slice(1), i);
  let node: string | Tree = ec2Tree(i);
  for (const part of path) {
    // Own keys only: 'constructor' or '__proto__' must not walk into Object's prototype.
    if (typeof node === 'string' || !Object.hasOwn(node, part)) return notFoundReply();
    node = node[part]!;
  }
  if (typeof node === 'string') return text(node);
  return text(
    Object.entries(node)
      .map(([k, v]) => (typeof v === 'string' ? k : `${k}/`))
      .join('\n'),
  );
}

/** public-keys/0/ → openssh-key; public-keys/0/openssh-key → the key. */
function publicKey(path: string[], i: Instance): MdReply {
  if (!i.key_name || !i.key_data || (path[0] !== '0' && path[0] !== `0=${i.key_name}`)) return notFoundReply();
  if (path.length === 1 || path[1] === '') return text('openssh-key');
  if (path[1] === 'openssh-key' && path.length === 2) return text(i.key_data);
  return notFoundReply();
}

/** Route one metadata path for the instance it was signed for. */
export function metadataReply(urlPath: string, i: Instance): MdReply {
  const parts = urlPath.split('?')[0]!.split('/').filter(Boolean);
  if (parts.length === 0) return rootListing();
  if (parts[0] === 'openstack') return openstack(parts.slice(1), i);
  if (EC2_VERSIONS.includes(parts[0]!)) return ec2(parts.slice(1), i);
  return notFoundReply();
}
