// Which resize/migrate actions an instance offers in its status (Nova answers 409 otherwise):
// resize and migrate from ACTIVE or SHUTOFF, confirm and revert while it awaits them. Pure.
export type MoveAction = 'resize' | 'migrate' | 'confirmResize' | 'revertResize';

const ALLOWED: Record<MoveAction, string[]> = {
  resize: ['ACTIVE', 'SHUTOFF'],
  migrate: ['ACTIVE', 'SHUTOFF'],
  confirmResize: ['VERIFY_RESIZE'],
  revertResize: ['VERIFY_RESIZE'],
};

export const MOVE_ACTIONS = Object.keys(ALLOWED) as MoveAction[];

export function moveAllowed(action: MoveAction, status: string): boolean {
  return ALLOWED[action].includes(status);
}

/** The body POST /servers/{id}/action takes for each (resize names the new flavor). */
export function moveBody(action: MoveAction, flavorRef: string | null): Record<string, unknown> {
  return action === 'resize' ? { resize: { flavorRef } } : { [action]: null };
}
