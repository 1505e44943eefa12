// What the GUI itself knows about one launch: its own keystone exchange (steps 1–2), the
// POST /servers it sent (step 3's request), and its own polling (step 12).
import type { AuthExchange } from '../api/identity';
import type { ServerCreateBody, ServerDetail } from '../api/compute';

export interface LaunchRecord {
  /** A random provisional address (launch-key.ts), used only until the server id is known. */
  key: string;
  name: string;
  startedAt: string;
  /** The event seq when the launch started: events before it belong to other requests. */
  startSeq: number;
  body: ServerCreateBody;
  auth?: AuthExchange;
  authError?: string;
  postAt?: string;
  requestId?: string;
  serverId?: string;
  postError?: { status: number; message: string };
  polls: { at: string; status: string; task_state: string | null }[];
  server?: ServerDetail;
  /** ACTIVE or ERROR once polling ends. */
  finalStatus?: string;
  pollError?: string;
}
