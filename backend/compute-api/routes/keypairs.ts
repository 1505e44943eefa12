// Key pairs, per user. Below 2.92 a create without public_key generates an RSA key pair here
// and returns its private key once; from 2.92 public_key is required. 201/204 from 2.2.
import { X509Certificate } from 'node:crypto';
import { Router } from 'express';
import type { KeyPair } from '../../../contract/model.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict, forbidden, notFound } from '../faults.js';
import { authorize, empty, handle, ok, queryOne, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { applyPage, pageParams } from '../http/paging.js';
import { generateRsaKeyPair, sshFingerprint } from '../keypair-crypto.js';
import { atLeast } from '../microversion.js';
import { keypairCreateCheck } from '../schemas.js';
import { keypairCreated, keypairListItem, keypairShow } from '../views/account-views.js';
import { nextLinks } from '../views/format.js';

/** Whose key pairs: the caller's, or (admins, from 2.10) ?user_id= / body user_id. */
function targetUser(c: Call, requested: string | undefined): string {
  if (!requested || requested === c.st.auth.user_id || !atLeast(c.st.version, '2.10')) return c.st.auth.user_id;
  authorize(c, 'os_compute_api:os-keypairs:other_user');
  return requested;
}

const keypairNotFound = (user: string, name: string) => notFound(`Keypair ${name} not found for user ${user}`);

function fingerprintOf(type: 'ssh' | 'x509', publicKey: string): string {
  if (type === 'x509') {
    try {
      return new X509Certificate(publicKey).fingerprint.toLowerCase();
    } catch {
      throw badRequest('Keypair data is invalid: failed to generate fingerprint');
    }
  }
  const fp = sshFingerprint(publicKey);
  if (!fp) throw badRequest('Keypair data is invalid: failed to generate fingerprint');
  return fp;
}

async function createKeypair(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-keypairs:create');
  const k = keypairCreateCheck(c.st.version)(c.body).keypair;
  const user = targetUser(c, k.user_id);
  const type = k.type ?? 'ssh';
  const { conductor } = c.deps;
  const [existing, owned, quota] = await Promise.all([
    conductor.call.keypair_get(user, k.name),
    conductor.call.keypair_list(user),
    conductor.call.quota_get(c.st.auth.project_id),
  ]);
  if (existing) throw conflict(`Key pair '${k.name}' already exists.`);
  if (quota.key_pairs >= 0 && owned.length >= quota.key_pairs) throw forbidden('Quota exceeded, too many key pairs.');
  let publicKey = k.public_key;
  let privateKey: string | undefined;
  if (publicKey === undefined) {
    if (type === 'x509') throw badRequest('Generating x509 key pairs is not supported by novalab: import a certificate with public_key.');
    const gen = await generateRsaKeyPair();
    publicKey = gen.publicKey;
    privateKey = gen.privateKey;
  }
  const fingerprint = fingerprintOf(type, publicKey);
  const created = await conductor.call.keypair_create({ name: k.name, user_id: user, public_key: publicKey.trim(), fingerprint, type });
  const status = atLeast(c.st.version, '2.2') ? 201 : 200;
  return ok(keypairCreated(created, c.st.version, privateKey), status);
}

async function listKeypairs(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-keypairs:index');
  const user = targetUser(c, queryOne(c, 'user_id'));
  let pairs: KeyPair[] = (await c.deps.conductor.call.keypair_list(user)).sort((a, b) => a.name.localeCompare(b.name));
  const body: Record<string, unknown> = {};
  if (atLeast(c.st.version, '2.35')) {
    const page = pageParams(c.query, c.deps.settings.maxLimit);
    pairs = applyPage(pairs, page, (k) => k.name, c.deps.settings.maxLimit);
    const next = nextLinks(
      c.st.base,
      'os-keypairs',
      c.query,
      pairs.map((k) => ({ id: k.name })),
      page.limit,
    );
    if (next) body.keypairs_links = next;
  }
  return ok({ keypairs: pairs.map((k) => keypairListItem(k, c.st.version)), ...body });
}

async function showKeypair(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-keypairs:show');
  const user = targetUser(c, queryOne(c, 'user_id'));
  const k = await c.deps.conductor.call.keypair_get(user, c.params.name!);
  if (!k) throw keypairNotFound(user, c.params.name!);
  return ok(keypairShow(k, c.st.version));
}

async function deleteKeypair(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-keypairs:delete');
  const user = targetUser(c, queryOne(c, 'user_id'));
  if (!(await c.deps.conductor.call.keypair_delete(user, c.params.name!))) throw keypairNotFound(user, c.params.name!);
  return empty(atLeast(c.st.version, '2.2') ? 204 : 202);
}

export function keypairRoutes(deps: ApiDeps): Router {
  const r = Router();
  r.route('/os-keypairs').get(handle(deps, listKeypairs)).post(handle(deps, createKeypair)).all(methodNotAllowed);
  r.route('/os-keypairs/:name').get(handle(deps, showKeypair)).delete(handle(deps, deleteKeypair)).all(methodNotAllowed);
  return r;
}
