// nova-api, as the course shows it in `ps`: one master and osapi_compute_workers +
// metadata_workers + ec2_workers workers, every one titled nova-api.
import cluster from 'node:cluster';
import { runMain } from '../common/service-runtime.js';
import { runMaster } from './master.js';
import { runWorker } from './worker.js';
import { isApiRole } from './worker-plan.js';

runMain(async () => {
  if (cluster.isPrimary) return runMaster();
  const role = process.env.NOVA_API_ROLE;
  if (!isApiRole(role)) throw new Error(`nova-api worker started without a valid NOVA_API_ROLE (${role})`);
  return runWorker(role);
});
