// nova-api, as the course shows it in `ps`: one master and osapi_compute_workers +
// metadata_workers + ec2_workers workers, every one titled nova-api.
// Each process loads only its own part: the master no API at all, a metadata or EC2 worker
// not the Compute API's express app (start-up CPU and memory, times seven processes).
import cluster from 'node:cluster';
import { runMain } from '../bus/service-runtime.js';
import { isApiRole } from './worker-plan.js';

runMain(async () => {
  if (cluster.isPrimary) return (await import('./master.js')).runMaster();
  const role = process.env.NOVA_API_ROLE;
  if (!isApiRole(role)) throw new Error(`nova-api worker started without a valid NOVA_API_ROLE (${role})`);
  return (await import('./worker.js')).runWorker(role);
});
