// GET /servers/{id}/diagnostics (admin): nova-compute asks its driver (QEMU: QMP) over an
// RPC call. From 2.48 Nova's standard format; before, the driver's own dict, shaped as
// Nova's libvirt driver answers it.
import { Router } from 'express';
import { PowerState } from '../../../contract/model.js';
import type { ApiDeps } from '../deps.js';
import { conflict } from '../faults.js';
import { authorize, handle, ok, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { atLeast } from '../microversion.js';
import { computeDown, computeUp, visibleInstance } from './server-common.js';
import { legacyDiagnostics } from '../views/diagnostics-view.js';

const COMPUTE_CALL_MS = 15_000;
const POWER_NAMES: Record<number, string> = { 0: 'pending', 1: 'running', 3: 'paused', 4: 'shutdown', 6: 'crashed', 7: 'suspended' };

async function diagnostics(c: Call): Promise<Reply> {
  const inst = await visibleInstance(c, c.params.id!);
  authorize(c, 'os_compute_api:os-server-diagnostics', inst);
  if (!inst.host) throw conflict(`Instance ${inst.uuid} is not ready yet.`);
  if (inst.power_state !== PowerState.RUNNING) {
    const state = POWER_NAMES[inst.power_state] ?? String(inst.power_state);
    throw conflict(`Cannot 'get_diagnostics' instance ${inst.uuid} while it is in power state ${state}`);
  }
  if (!(await computeUp(c, inst.host))) throw computeDown(inst.host);
  const d = await c.deps.compute(inst.host).with({ timeoutMs: COMPUTE_CALL_MS }).get_diagnostics(inst);
  return ok(atLeast(c.st.version, '2.48') ? d : legacyDiagnostics(d));
}

export function serverDiagnosticsRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/servers/:id/diagnostics').get(handle(deps, diagnostics)).all(methodNotAllowed);
  return r;
}
