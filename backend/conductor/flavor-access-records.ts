// The conductor's flavor access lists (os-flavor-access, Nova's flavor_projects table): which
// projects may see and boot a private flavor. Each method one read or one atomic write.
import type { ConductorApi } from '../rpc/conductor-api.js';
import { BusFailure } from '../bus/errors.js';
import type { NovaDb } from './nova-db.js';

export type FlavorAccessApi = Pick<ConductorApi, 'flavor_access_list' | 'flavor_access_add' | 'flavor_access_remove'>;

const flavorNotFound = (id: string) => new BusFailure('FlavorNotFound', `Flavor ${id} could not be found.`, { code: 404 });

/** Pure: the projects given access to a flavor, in the order they were given it. */
export const projectsOf = (rows: { flavor_id: string; project_id: string }[], flavorId: string): string[] =>
  rows.filter((r) => r.flavor_id === flavorId).map((r) => r.project_id);

export function flavorAccessApi(db: NovaDb): FlavorAccessApi {
  const exists = (id: string) => db.data.flavors.some((f) => f.id === id);
  const projects = (id: string) => projectsOf(db.data.flavor_projects, id);

  return {
    async flavor_access_list(id) {
      return exists(id) ? projects(id) : null;
    },
    async flavor_access_add(id, project_id) {
      if (!exists(id)) throw flavorNotFound(id);
      if (projects(id).includes(project_id))
        throw new BusFailure('FlavorAccessExists', `Flavor access already exists for flavor ${id} and project ${project_id} combination.`, {
          code: 409,
        });
      await db.mutate((data) => {
        data.flavor_projects.push({ flavor_id: id, project_id });
      });
      return projects(id);
    },
    async flavor_access_remove(id, project_id) {
      if (!exists(id)) throw flavorNotFound(id);
      if (!projects(id).includes(project_id))
        throw new BusFailure('FlavorAccessNotFound', `Flavor access not found for ${id} / ${project_id} combination.`, { code: 404 });
      await db.mutate((data) => {
        data.flavor_projects = data.flavor_projects.filter((r) => !(r.flavor_id === id && r.project_id === project_id));
      });
      return projects(id);
    },
  };
}
