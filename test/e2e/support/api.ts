// Direct calls to the lab's APIs (through its GUI origin), to check what the GUI shows
// against what the services say.
const MICROVERSION = 'compute 2.79';

const tokens = new Map<string, { token: string; at: number }>();

export async function adminToken(guiUrl: string, password = 'novalab'): Promise<string> {
  const cached = tokens.get(guiUrl);
  if (cached && Date.now() - cached.at < 20 * 60_000) return cached.token;
  const r = await fetch(new URL('identity/v3/auth/tokens', guiUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', password, domain: { name: 'Default' } } } },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  });
  const token = r.headers.get('x-subject-token');
  if (r.status !== 201 || !token) throw new Error(`keystone: ${r.status} ${await r.text()}`);
  tokens.set(guiUrl, { token, at: Date.now() });
  return token;
}

export async function compute<T = unknown>(
  guiUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const token = await adminToken(guiUrl);
  const r = await fetch(new URL(`compute/v2.1${path}`, guiUrl), {
    method,
    headers: {
      'X-Auth-Token': token,
      'OpenStack-API-Version': MICROVERSION,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed as T };
}

export interface ServerView {
  id: string;
  name: string;
  status: string;
  'OS-EXT-STS:task_state'?: string | null;
}

export async function getServer(guiUrl: string, id: string): Promise<ServerView | null> {
  const r = await compute<{ server: ServerView }>(guiUrl, 'GET', `/servers/${id}`);
  if (r.status === 404) return null;
  if (r.status !== 200) throw new Error(`GET /servers/${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.server;
}

export async function listServers(guiUrl: string): Promise<ServerView[]> {
  return (await compute<{ servers: ServerView[] }>(guiUrl, 'GET', '/servers/detail')).body.servers;
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export async function labApi<T = unknown>(
  guiUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const token = await adminToken(guiUrl);
  const r = await fetch(new URL(`lab/api/${path}`, guiUrl), {
    method,
    headers: { 'X-Auth-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}
