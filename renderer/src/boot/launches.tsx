// Launches made from this GUI: each runs the course's client side of the boot flow —
// a fresh token from keystone (steps 1–2), POST /servers (step 3) and polling until ACTIVE
// or ERROR (step 12) — and keeps what it saw for the walkthrough.
import { createContext, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { reissue } from '../api/identity';
import { createCompute, type ServerCreateBody } from '../api/compute';
import { ApiError } from '../api/http';
import type { LaunchRecord } from './launch-record';
import { newLaunchKey } from './launch-key';
import { useSession } from '../session/session';
import { useEventStore } from '../hooks/use-events';
import type { Session } from '../api/identity';

const POLL_MS = 1000;

class LaunchStore {
  private records = new Map<string, LaunchRecord>();
  private listeners = new Set<() => void>();
  private version = 0;

  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  };
  getVersion = () => this.version;
  list(): LaunchRecord[] {
    return [...this.records.values()];
  }

  find(key: string): LaunchRecord | null {
    return this.records.get(key) ?? this.list().find((r) => r.serverId === key) ?? null;
  }

  private update(key: string, patch: Partial<LaunchRecord>): LaunchRecord {
    const next = { ...this.records.get(key)!, ...patch };
    this.records.set(key, next);
    this.version++;
    for (const l of this.listeners) l();
    return next;
  }

  start(session: Session, body: ServerCreateBody, startSeq: number): string {
    const key = newLaunchKey();
    this.records.set(key, { key, name: body.server.name, startedAt: new Date().toISOString(), startSeq, body, polls: [] });
    this.update(key, {});
    void this.run(key, session, body);
    return key;
  }

  private async run(key: string, session: Session, body: ServerCreateBody): Promise<void> {
    let auth;
    try {
      auth = await reissue(session);
      this.update(key, { auth });
    } catch (err) {
      this.update(key, { authError: (err as Error).message });
      return;
    }
    const compute = createCompute(auth.session.token);
    this.update(key, { postAt: new Date().toISOString() });
    let serverId: string;
    try {
      const res = await compute.createServer(body);
      serverId = res.body.server.id;
      this.update(key, { requestId: res.requestId ?? undefined, serverId });
    } catch (err) {
      const e = err as ApiError;
      this.update(key, { postError: { status: e.status ?? 0, message: e.message }, requestId: e.requestId ?? undefined });
      return;
    }
    for (;;) {
      try {
        const server = await compute.getServer(serverId);
        const rec = this.records.get(key)!;
        const poll = { at: new Date().toISOString(), status: server.status, task_state: server['OS-EXT-STS:task_state'] ?? null };
        const done = server.status === 'ACTIVE' || server.status === 'ERROR';
        this.update(key, { server, polls: [...rec.polls, poll].slice(-200), ...(done ? { finalStatus: server.status } : {}) });
        if (done) return;
      } catch (err) {
        const e = err as ApiError;
        if (e.status === 404 || e.status === 401) {
          this.update(key, { pollError: e.message });
          return;
        }
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

const Ctx = createContext<LaunchStore | null>(null);

export function LaunchProvider({ children }: { children: ReactNode }) {
  const store = useMemo(() => new LaunchStore(), []);
  return <Ctx.Provider value={store}>{children}</Ctx.Provider>;
}

export function useLaunches() {
  const store = useContext(Ctx);
  if (!store) throw new Error('useLaunches outside LaunchProvider');
  const { session } = useSession();
  const events = useEventStore();
  useSyncExternalStore(store.subscribe, store.getVersion);
  return {
    list: store.list(),
    find: (key: string) => store.find(key),
    launch: (body: ServerCreateBody) => store.start(session, body, events.seq),
  };
}
