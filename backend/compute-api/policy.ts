// The policy table (pure): who may call what, as Nova's defaults say. 'any' is any
// authenticated user of a project; 'owner' also needs the target's project to be the
// caller's (admins pass); 'admin' needs the admin role.

export type Rule = 'any' | 'owner' | 'admin';

export const POLICY: Record<string, Rule> = {
  'os_compute_api:servers:index': 'owner',
  'os_compute_api:servers:detail': 'owner',
  'os_compute_api:servers:index:get_all_tenants': 'admin',
  'os_compute_api:servers:detail:get_all_tenants': 'admin',
  'os_compute_api:servers:show': 'owner',
  'os_compute_api:servers:show:host_status': 'admin',
  'os_compute_api:os-extended-server-attributes': 'admin',
  'os_compute_api:servers:create': 'owner',
  'os_compute_api:servers:create:forced_host': 'admin',
  'os_compute_api:servers:create:zero_disk_flavor': 'admin',
  'os_compute_api:servers:delete': 'owner',
  'os_compute_api:servers:start': 'owner',
  'os_compute_api:servers:stop': 'owner',
  'os_compute_api:servers:reboot': 'owner',
  'os_compute_api:servers:resize': 'owner',
  'os_compute_api:servers:confirm_resize': 'owner',
  'os_compute_api:servers:revert_resize': 'owner',
  'os_compute_api:os-migrate-server:migrate': 'admin',
  'os_compute_api:os-migrations:index': 'admin',
  'os_compute_api:servers:migrations:index': 'admin',
  'os_compute_api:os-pause-server:pause': 'owner',
  'os_compute_api:os-pause-server:unpause': 'owner',
  'os_compute_api:os-suspend-server:suspend': 'owner',
  'os_compute_api:os-suspend-server:resume': 'owner',
  'os_compute_api:os-console-output': 'owner',
  'os_compute_api:os-remote-consoles': 'owner',
  'os_compute_api:os-instance-actions:list': 'owner',
  'os_compute_api:os-instance-actions:show': 'owner',
  'os_compute_api:os-instance-actions:events': 'admin',
  'os_compute_api:os-flavor-manage:create': 'admin',
  'os_compute_api:os-flavor-manage:update': 'admin',
  'os_compute_api:os-flavor-manage:delete': 'admin',
  'os_compute_api:os-flavor-extra-specs:index': 'any',
  'os_compute_api:os-flavor-extra-specs:show': 'any',
  'os_compute_api:os-flavor-extra-specs:create': 'admin',
  'os_compute_api:os-flavor-extra-specs:update': 'admin',
  'os_compute_api:os-flavor-extra-specs:delete': 'admin',
  'os_compute_api:os-flavor-access': 'admin',
  'os_compute_api:os-flavor-access:add_tenant_access': 'admin',
  'os_compute_api:os-flavor-access:remove_tenant_access': 'admin',
  'os_compute_api:os-simple-tenant-usage:show': 'owner',
  'os_compute_api:os-simple-tenant-usage:list': 'admin',
  'os_compute_api:os-instance-usage-audit-log:list': 'admin',
  'os_compute_api:os-instance-usage-audit-log:show': 'admin',
  'os_compute_api:os-keypairs:index': 'any',
  'os_compute_api:os-keypairs:create': 'any',
  'os_compute_api:os-keypairs:show': 'any',
  'os_compute_api:os-keypairs:delete': 'any',
  'os_compute_api:os-keypairs:other_user': 'admin',
  'os_compute_api:os-server-groups:index': 'any',
  'os_compute_api:os-server-groups:index:all_projects': 'admin',
  'os_compute_api:os-server-groups:create': 'any',
  'os_compute_api:os-server-groups:show': 'owner',
  'os_compute_api:os-server-groups:delete': 'owner',
  'os_compute_api:limits': 'any',
  'os_compute_api:limits:other_project': 'admin',
  'os_compute_api:os-quota-sets:show': 'owner',
  'os_compute_api:os-quota-sets:detail': 'owner',
  'os_compute_api:os-quota-sets:defaults': 'any',
  'os_compute_api:os-quota-sets:update': 'admin',
  'os_compute_api:os-availability-zone:list': 'any',
  'os_compute_api:os-availability-zone:detail': 'admin',
  'os_compute_api:os-hypervisors:list': 'admin',
  'os_compute_api:os-hypervisors:list-detail': 'admin',
  'os_compute_api:os-hypervisors:show': 'admin',
  'os_compute_api:os-hypervisors:statistics': 'admin',
  'os_compute_api:os-hypervisors:uptime': 'admin',
  'os_compute_api:os-hosts:list': 'admin',
  'os_compute_api:os-hosts:show': 'admin',
  'os_compute_api:os-hosts:update': 'admin',
  'os_compute_api:os-hosts:start': 'admin',
  'os_compute_api:os-hosts:shutdown': 'admin',
  'os_compute_api:os-hosts:reboot': 'admin',
  'os_compute_api:os-server-diagnostics': 'admin',
  'os_compute_api:os-aggregates:index': 'admin',
  'os_compute_api:os-aggregates:show': 'admin',
  'os_compute_api:os-aggregates:create': 'admin',
  'os_compute_api:os-aggregates:update': 'admin',
  'os_compute_api:os-aggregates:delete': 'admin',
  'os_compute_api:os-aggregates:add_host': 'admin',
  'os_compute_api:os-aggregates:remove_host': 'admin',
  'os_compute_api:os-aggregates:set_metadata': 'admin',
  'os_compute_api:os-services:list': 'admin',
  'os_compute_api:os-services:update': 'admin',
  'os_compute_api:os-services:delete': 'admin',
  'os_compute_api:image-size': 'any',
  'novalab:os-scheduler-trace': 'owner',
  'os_compute_api:servers:update': 'owner',
  'os_compute_api:os-admin-actions:reset_state': 'admin',
  'os_compute_api:os-server-tags:index': 'owner',
  'os_compute_api:os-server-tags:show': 'owner',
  'os_compute_api:os-server-tags:update': 'owner',
  'os_compute_api:os-server-tags:update_all': 'owner',
  'os_compute_api:os-server-tags:delete': 'owner',
  'os_compute_api:os-server-tags:delete_all': 'owner',
  'os_compute_api:extensions': 'any',
  'os_compute_api:os-deferred-delete:restore': 'owner',
  'os_compute_api:servers:create_image': 'owner',
  'os_compute_api:os-create-backup': 'owner',
  'os_compute_api:os-shelve:shelve': 'owner',
  'os_compute_api:os-shelve:shelve_offload': 'admin',
  'os_compute_api:os-shelve:unshelve': 'owner',
};

export interface Caller {
  project_id: string;
  is_admin: boolean;
}

export type Decision = { allowed: true; rule: Rule } | { allowed: false; rule: Rule; message: string };

/** Decide one policy rule for a caller and (for 'owner' rules) the target's project. */
export function decide(name: string, caller: Caller, target?: { project_id: string }): Decision {
  const rule = POLICY[name];
  if (!rule) throw new Error(`no policy rule named ${name}`);
  const denied: Decision = { allowed: false, rule, message: `Policy doesn't allow ${name} to be performed.` };
  if (caller.is_admin) return { allowed: true, rule };
  if (rule === 'admin') return denied;
  if (rule === 'owner' && target && target.project_id !== caller.project_id) return denied;
  return { allowed: true, rule };
}
