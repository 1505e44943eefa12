// A server group as Nova shows it for the negotiated version: `policies` and an always-empty
// `metadata` before 2.64, `policy` and `rules` from 2.64; the owner from 2.13.
import type { ServerGroup } from '../../../contract/model.js';
import { atLeast, type ApiVersion } from '../microversion.js';

export function serverGroupView(g: ServerGroup, v: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { id: g.id, name: g.name };
  if (atLeast(v, '2.64')) {
    out.policy = g.policy;
    out.rules = g.rules;
  } else {
    out.policies = [g.policy];
    out.metadata = {};
  }
  out.members = [...g.members];
  if (atLeast(v, '2.13')) {
    out.project_id = g.project_id;
    out.user_id = g.user_id;
  }
  return out;
}
