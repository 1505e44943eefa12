// Pure: the launch as the real openstack CLI (with the lab's openrc sourced) and as curl.
import type { ServerCreateBody } from '../../api/compute';

const q = (s: string) => (/^[A-Za-z0-9._:/@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export interface LaunchChoice {
  name: string;
  image: string;
  flavor: string;
  zone: string;
  keyName: string;
  userData: string;
  group?: string;
}

export function openstackCommand(c: LaunchChoice): string {
  const parts = ['openstack server create', `--image ${q(c.image)}`, `--flavor ${q(c.flavor)}`, '--nic none'];
  if (c.zone) parts.push(`--availability-zone ${q(c.zone)}`);
  if (c.keyName) parts.push(`--key-name ${q(c.keyName)}`);
  if (c.userData) parts.push('--user-data user-data.txt');
  if (c.group) parts.push(`--hint group=${q(c.group)}`);
  parts.push('--wait', q(c.name || 'NAME'));
  return parts.join(' \\\n    ');
}

export function curlCommand(origin: string, body: ServerCreateBody, microversion: string): string {
  return [
    `TOKEN=$(openstack token issue -f value -c id)`,
    `curl -s -X POST ${origin}/compute/v2.1/servers \\`,
    `    -H "X-Auth-Token: $TOKEN" \\`,
    `    -H "Content-Type: application/json" \\`,
    `    -H "OpenStack-API-Version: compute ${microversion}" \\`,
    `    -d ${q(JSON.stringify(body, null, 2))}`,
  ].join('\n');
}

/** user_data travels base64-encoded (UTF-8 first). */
export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function createBody(c: LaunchChoice, imageId: string, flavorId: string): ServerCreateBody {
  return {
    server: {
      name: c.name,
      imageRef: imageId,
      flavorRef: flavorId,
      networks: 'none',
      ...(c.zone ? { availability_zone: c.zone } : {}),
      ...(c.keyName ? { key_name: c.keyName } : {}),
      ...(c.userData ? { user_data: base64(c.userData) } : {}),
    },
    ...(c.group ? { 'os:scheduler_hints': { group: c.group } } : {}),
  };
}
