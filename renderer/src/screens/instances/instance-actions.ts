// What a learner can do to an instance, as Nova allows it: which statuses accept each action
// (Nova answers 409 otherwise), who may (migrate is admin-only by Nova's default policy),
// what the action needs, the body nova-api receives and the `openstack` command that sends it.
// Pure, so the table is tested against Nova's own rules without a browser.

export type InstanceActionName =
  | 'os-stop'
  | 'os-start'
  | 'reboot'
  | 'pause'
  | 'unpause'
  | 'suspend'
  | 'resume'
  | 'createImage'
  | 'resize'
  | 'confirmResize'
  | 'revertResize'
  | 'migrate'
  | 'rebuild'
  | 'rescue'
  | 'unrescue'
  | 'shelve'
  | 'unshelve';

/** What the action asks the learner for: a flavor, an image, or a name. */
export type ActionParam = 'flavor' | 'image' | 'rescueImage' | 'snapshotName';

export interface ActionSpec {
  name: InstanceActionName;
  /** The server statuses (as the API shows them) Nova accepts the action in. */
  statuses: readonly string[];
  adminOnly?: boolean;
  param?: ActionParam;
  /** The `openstack` subcommand that sends it. */
  cli: string;
}

/** In the order a learner meets them: power, then the actions that move or re-create a guest. */
export const ACTION_SPECS: readonly ActionSpec[] = [
  { name: 'os-stop', statuses: ['ACTIVE', 'ERROR'], cli: 'server stop' },
  { name: 'os-start', statuses: ['SHUTOFF'], cli: 'server start' },
  { name: 'reboot', statuses: ['ACTIVE', 'SHUTOFF'], cli: 'server reboot' },
  { name: 'pause', statuses: ['ACTIVE'], cli: 'server pause' },
  { name: 'unpause', statuses: ['PAUSED'], cli: 'server unpause' },
  { name: 'suspend', statuses: ['ACTIVE'], cli: 'server suspend' },
  { name: 'resume', statuses: ['SUSPENDED'], cli: 'server resume' },
  { name: 'createImage', statuses: ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'], param: 'snapshotName', cli: 'server image create' },
  { name: 'resize', statuses: ['ACTIVE', 'SHUTOFF'], param: 'flavor', cli: 'server resize' },
  { name: 'confirmResize', statuses: ['VERIFY_RESIZE'], cli: 'server resize confirm' },
  { name: 'revertResize', statuses: ['VERIFY_RESIZE'], cli: 'server resize revert' },
  { name: 'migrate', statuses: ['ACTIVE', 'SHUTOFF'], adminOnly: true, cli: 'server migrate' },
  { name: 'rebuild', statuses: ['ACTIVE', 'SHUTOFF', 'ERROR'], param: 'image', cli: 'server rebuild' },
  { name: 'rescue', statuses: ['ACTIVE', 'SHUTOFF', 'ERROR'], param: 'rescueImage', cli: 'server rescue' },
  { name: 'unrescue', statuses: ['RESCUE'], cli: 'server unrescue' },
  { name: 'shelve', statuses: ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'], cli: 'server shelve' },
  { name: 'unshelve', statuses: ['SHELVED', 'SHELVED_OFFLOADED'], cli: 'server unshelve' },
];

/** Statuses a server may be deleted in (Nova: any but a few transitional task states). */
export const DELETABLE = [
  'ACTIVE',
  'SHUTOFF',
  'PAUSED',
  'SUSPENDED',
  'ERROR',
  'BUILD',
  'VERIFY_RESIZE',
  'RESCUE',
  'SHELVED',
  'SHELVED_OFFLOADED',
];

export function specOf(name: InstanceActionName): ActionSpec {
  const spec = ACTION_SPECS.find((a) => a.name === name);
  if (!spec) throw new Error(`unknown action ${name}`);
  return spec;
}

/** The actions offered for a server in this status to this user. */
export function actionsFor(status: string, isAdmin: boolean): ActionSpec[] {
  return ACTION_SPECS.filter((a) => a.statuses.includes(status) && (isAdmin || !a.adminOnly));
}

/** The value a parameter needs before the action can be sent (the rescue image may stay empty). */
export function paramMissing(spec: ActionSpec, value: string): boolean {
  return spec.param !== undefined && spec.param !== 'rescueImage' && value.trim() === '';
}

/** The body of POST /servers/{id}/action, as Nova's schemas take it. `value` is the flavor id,
 *  image id or snapshot name the action asks for. */
export function actionBody(name: InstanceActionName, value = ''): Record<string, unknown> {
  switch (name) {
    case 'reboot':
      return { reboot: { type: 'SOFT' } };
    case 'createImage':
      return { createImage: { name: value.trim() } };
    case 'resize':
      return { resize: { flavorRef: value } };
    case 'rebuild':
      return { rebuild: { imageRef: value } };
    case 'rescue':
      return { rescue: value ? { rescue_image_ref: value } : {} };
    default:
      return { [name]: null };
  }
}

/** A shell word as the shell would take it back (single quotes when needed). */
function shellWord(s: string): string {
  return /^[\w.@%+=:,/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The same action from a terminal; `label` is how the learner named the parameter (a flavor
 *  or image name), which the CLI accepts as well as an id. */
export function actionCommand(name: InstanceActionName, server: string, label = ''): string {
  const spec = specOf(name);
  const option =
    spec.param === 'flavor'
      ? ['--flavor', label]
      : spec.param === 'image' || (spec.param === 'rescueImage' && label)
        ? ['--image', label]
        : spec.param === 'snapshotName'
          ? ['--name', label.trim()]
          : [];
  return ['openstack', spec.cli, ...option.map(shellWord), shellWord(server)].join(' ');
}
