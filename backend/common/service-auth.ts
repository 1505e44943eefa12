// A service's own identity: nova-compute logs in as the `nova` service user (its password is
// in the state directory, owner-only) to fetch images from glance, as Nova does with its
// service token. The token is reused until shortly before it expires.
import fs from 'node:fs';

export interface ServiceTokenSource {
  token(): Promise<string>;
}

export function serviceTokenSource(identityUrl: string, passwordFile: string, user = 'nova', project = 'service'): ServiceTokenSource {
  let cached: { token: string; until: number } | null = null;
  // One login at a time: a burst of builds asks at once, and each login is a token row that
  // keystone must store.
  let inFlight: Promise<string> | null = null;
  const login = async (): Promise<string> => {
    const password = fs.readFileSync(passwordFile, 'utf8').trim();
    const res = await fetch(`${identityUrl}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } },
          scope: { project: { name: project, domain: { id: 'default' } } },
        },
      }),
    });
    if (res.status !== 201) throw new Error(`identity refused the ${user} service user (${res.status})`);
    const body = (await res.json()) as { token: { expires_at: string } };
    const token = res.headers.get('x-subject-token')!;
    cached = { token, until: Date.parse(body.token.expires_at) - 5 * 60_000 };
    return token;
  };
  return {
    token() {
      if (cached && cached.until > Date.now()) return Promise.resolve(cached.token);
      inFlight ??= login().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
