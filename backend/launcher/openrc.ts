// Pure: the credentials files the real openstack CLI reads. The compute API version is
// pinned to 2.37 because Debian's client sends 2.1 otherwise and then refuses
// `server create` without a network service (api-contract P1).
export interface CloudCredentials {
  authUrl: string;
  username: string;
  password: string;
  project: string;
}

export const OPENRC_COMPUTE_API_VERSION = '2.37';

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function renderOpenrc(c: CloudCredentials): string {
  return [
    '# Source this file to use the real openstack CLI against this novalab lab:',
    '#   . ./openrc && openstack server list',
    `export OS_AUTH_URL=${shellQuote(c.authUrl)}`,
    `export OS_USERNAME=${shellQuote(c.username)}`,
    `export OS_PASSWORD=${shellQuote(c.password)}`,
    `export OS_PROJECT_NAME=${shellQuote(c.project)}`,
    "export OS_USER_DOMAIN_NAME='Default'",
    "export OS_PROJECT_DOMAIN_NAME='Default'",
    "export OS_IDENTITY_API_VERSION='3'",
    "export OS_REGION_NAME='RegionOne'",
    "export OS_INTERFACE='public'",
    `export OS_COMPUTE_API_VERSION='${OPENRC_COMPUTE_API_VERSION}'`,
    '',
  ].join('\n');
}

export function renderCloudsYaml(c: CloudCredentials): string {
  return [
    'clouds:',
    '  novalab:',
    '    auth:',
    `      auth_url: "${c.authUrl}"`,
    `      username: "${c.username}"`,
    `      password: "${c.password.replace(/"/g, '\\"')}"`,
    `      project_name: "${c.project}"`,
    '      user_domain_name: Default',
    '      project_domain_name: Default',
    '    region_name: RegionOne',
    '    interface: public',
    '    identity_api_version: 3',
    `    compute_api_version: "${OPENRC_COMPUTE_API_VERSION}"`,
    '',
  ].join('\n');
}
