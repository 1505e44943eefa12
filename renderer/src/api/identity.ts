// Keystone v3 through the GUI origin (/identity): password login and the token-method
// re-issue the launch wizard makes as the boot flow's steps 1–2.
import { request } from './http';

export interface TokenInfo {
  expires_at: string;
  issued_at?: string;
  methods?: string[];
  user: { id: string; name: string; domain?: { id: string; name: string } };
  project?: { id: string; name: string };
  roles?: { id: string; name: string }[];
  catalog?: { type: string; name?: string; endpoints: { interface: string; url: string; region_id?: string }[] }[];
}

export interface Session {
  token: string;
  info: TokenInfo;
  isAdmin: boolean;
}

export interface AuthExchange {
  /** What was sent (secrets elided), for the walkthrough's step 1. */
  request: { method: string; path: string; body: unknown; at: string };
  /** What came back, for step 2. */
  response: { status: number; at: string; info: TokenInfo };
  session: Session;
}

const PATH = '/identity/v3/auth/tokens';

function toSession(token: string, info: TokenInfo): Session {
  return { token, info, isAdmin: (info.roles ?? []).some((r) => r.name === 'admin') };
}

async function issue(body: unknown, shown: unknown): Promise<AuthExchange> {
  const at = new Date().toISOString();
  const res = await request<{ token: TokenInfo }>('keystone', PATH, { method: 'POST', body });
  const token = res.headers.get('x-subject-token');
  if (!token) throw new Error('keystone answered without an X-Subject-Token header');
  return {
    request: { method: 'POST', path: PATH, body: shown, at },
    response: { status: res.status, at: new Date().toISOString(), info: res.body.token },
    session: toSession(token, res.body.token),
  };
}

export function passwordLogin(user: string, password: string, project: string): Promise<AuthExchange> {
  const body = (pw: string) => ({
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, password: pw, domain: { name: 'Default' } } } },
      scope: { project: { name: project, domain: { name: 'Default' } } },
    },
  });
  return issue(body(password), body('***'));
}

/** A fresh token from the current one (Keystone's `token` method), scoped to the same project. */
export function reissue(session: Session): Promise<AuthExchange> {
  const body = (id: string) => ({
    auth: {
      identity: { methods: ['token'], token: { id } },
      ...(session.info.project ? { scope: { project: { id: session.info.project.id } } } : {}),
    },
  });
  return issue(body(session.token), body('<the GUI session token>'));
}
