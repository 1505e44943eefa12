// nova-consoleauth's memory: console tokens, kept in this process only (as Nova kept them in
// memcache — a restart of nova-consoleauth forgets them, and users ask for a new URL). Only
// the sha256 of a token is stored, and a guest's VNC password only sealed under a key derived
// from the token, so a dump of the store opens no console. Pure: the clock and the random
// source are injected.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { VncConnectInfo } from '../rpc/compute-api.js';
import type { ConsoleAuthorization } from '../rpc/consoleauth-api.js';

/** connect_info as stored: a password is replaced by `sealed` (AES-256-GCM: iv, tag, text). */
type StoredConnectInfo = VncConnectInfo & { sealed?: string };
interface Entry {
  instance_uuid: string;
  connect_info: StoredConnectInfo;
  expiresAt: number;
  project_id?: string;
}

const sealKey = (token: string) => Buffer.from(hkdfSync('sha256', token, 'novalab-consoleauth', 'vnc password', 32));

function seal(token: string, info: VncConnectInfo, iv: Buffer): StoredConnectInfo {
  if (info.kind !== 'tcp' || info.password === undefined) return info;
  const { password, ...rest } = info;
  const cipher = createCipheriv('aes-256-gcm', sealKey(token), iv);
  const text = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return { ...rest, sealed: Buffer.concat([iv, cipher.getAuthTag(), text]).toString('base64') };
}

function unseal(token: string, stored: StoredConnectInfo): VncConnectInfo {
  if (stored.kind !== 'tcp' || stored.sealed === undefined) return stored;
  const { sealed, ...rest } = stored;
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(token), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return { ...rest, password: Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8') };
}

/** Tokens longer than this are not ours; refuse them before hashing. */
const MAX_TOKEN_LENGTH = 256;

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** What logs and events may show of a token: the first hex digits of its hash. */
export const tokenTag = (token: string): string => hashToken(token).slice(0, 8);

/** 128 random bits written like a UUID (8-4-4-4-12 hex), as Nova's tokens look. */
export function formatToken(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error('a console token needs exactly 16 random bytes');
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface TokenStoreOptions {
  now?: () => number;
  random?: () => Buffer;
}

export class TokenStore {
  private byHash = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly random: () => Buffer;

  constructor(opts: TokenStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? (() => randomBytes(16));
  }

  /** `project_id`: the project of the request that asked for the console, so later steps are scoped to it. */
  issue(
    instance_uuid: string,
    connect_info: VncConnectInfo,
    ttlSeconds: number,
    project_id?: string,
  ): { token: string; expires_at: string } {
    if (!(ttlSeconds > 0)) throw new Error(`console token TTL must be positive, got ${ttlSeconds}`);
    const token = formatToken(this.random());
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.byHash.set(hashToken(token), {
      instance_uuid,
      connect_info: seal(token, connect_info, randomBytes(12)),
      expiresAt,
      ...(project_id ? { project_id } : {}),
    });
    return { token, expires_at: new Date(expiresAt).toISOString() };
  }

  /** The authorization a token grants, or null when unknown or expired (expired ones are dropped). */
  check(token: unknown): ConsoleAuthorization | null {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    const key = hashToken(token);
    const entry = this.byHash.get(key);
    if (!entry) return null;
    if (this.now() >= entry.expiresAt) {
      this.byHash.delete(key);
      return null;
    }
    return {
      instance_uuid: entry.instance_uuid,
      connect_info: unseal(token, entry.connect_info),
      expires_at: new Date(entry.expiresAt).toISOString(),
      ...(entry.project_id ? { project_id: entry.project_id } : {}),
    };
  }

  deleteForInstance(instance_uuid: string): number {
    let removed = 0;
    for (const [key, entry] of this.byHash) {
      if (entry.instance_uuid === instance_uuid) {
        this.byHash.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Drop every expired token; returns how many. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const [key, entry] of this.byHash) {
      if (now >= entry.expiresAt) {
        this.byHash.delete(key);
        removed++;
      }
    }
    return removed;
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Everything the store holds, as it holds it (for tests and diagnostics): no clear tokens, no clear passwords. */
  dump(): { key: string; instance_uuid: string; connect_info: StoredConnectInfo; expiresAt: number }[] {
    return [...this.byHash].map(([key, e]) => ({ key, ...e }));
  }
}
