// The pre-2.48 answer of GET /servers/{id}/diagnostics: the driver's own dict, shaped as
// Nova's libvirt driver shapes it, derived from the standard Diagnostics object.
import type { InstanceDiagnostics } from '../../rpc/compute-api.js';

/** Pure: the pre-2.48 answer, as Nova's libvirt driver's get_diagnostics shapes it
 *  (cpuN_time in ns, memory in KiB, <disk>_read/_read_req/_write/_write_req/_errors). */
export function legacyDiagnostics(d: InstanceDiagnostics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of d.cpu_details) if (c.time !== null) out[`cpu${c.id}_time`] = c.time;
  out.memory = d.memory_details.maximum * 1024;
  d.disk_details.forEach((disk, i) => {
    const name = `vd${String.fromCharCode(97 + (i % 26))}`;
    out[`${name}_read_req`] = disk.read_requests;
    out[`${name}_read`] = disk.read_bytes;
    out[`${name}_write_req`] = disk.write_requests;
    out[`${name}_write`] = disk.write_bytes;
    out[`${name}_errors`] = disk.errors_count;
  });
  return out;
}
