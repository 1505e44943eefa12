// The signed-in session: the token lives only in memory (a reload signs out), and the API
// clients are built from it.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Session } from '../api/identity';
import { createCompute, type ComputeApi } from '../api/compute';
import { createImage, type ImageApi } from '../api/image';
import { createLab, type LabApi } from '../api/lab';

export interface SessionValue {
  session: Session;
  compute: ComputeApi;
  image: ImageApi;
  lab: LabApi;
  signOut(): void;
}

interface Holder {
  session: Session | null;
  setSession(s: Session | null): void;
}

const HolderContext = createContext<Holder>({ session: null, setSession: () => undefined });
const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const holder = useMemo(() => ({ session, setSession }), [session]);
  const value = useMemo<SessionValue | null>(
    () =>
      session && {
        session,
        compute: createCompute(session.token),
        image: createImage(session.token),
        lab: createLab(session.token),
        signOut: () => setSession(null),
      },
    [session],
  );
  return (
    <HolderContext.Provider value={holder}>
      <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
    </HolderContext.Provider>
  );
}

export function useSessionHolder(): Holder {
  return useContext(HolderContext);
}

/** The signed-in session; only used below the sign-in gate. */
export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside a signed-in screen');
  return v;
}
