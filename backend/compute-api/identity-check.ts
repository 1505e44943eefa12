// nova-api's check that a project exists (nova/api/openstack/identity.py verify_project_id):
// keystone is asked with the caller's own token. Only keystone's "no such project" refuses;
// when keystone cannot be asked, or may not tell, the project is taken as valid, as Nova does.
import { badRequest } from './faults.js';

export const invalidProject = (id: string) => `Project ID ${id} is not a valid project.`;

/** Pure: keystone's answer to GET /v3/projects/{id} → refuse (400) or accept. */
export function projectVerdict(status: number, projectId: string): string | null {
  return status === 404 ? invalidProject(projectId) : null;
}

export async function verifyProjectId(
  identityUrl: string,
  token: string,
  projectId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  let status: number;
  try {
    const res = await fetchImpl(`${identityUrl}/v3/projects/${encodeURIComponent(projectId)}`, {
      headers: { 'X-Auth-Token': token, Accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
  } catch {
    return; // "Unable to contact keystone to verify project_id": Nova lets it pass.
  }
  const refusal = projectVerdict(status, projectId);
  if (refusal) throw badRequest(refusal);
}
