// React access to the event stream: a provider owns the store for the session; hooks select.
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { LabEvent } from '../../../contract/events';
import { EventStore, type StreamStatus } from './event-store';
import { useSession } from '../session/session';

const StoreContext = createContext<EventStore | null>(null);

export function EventStreamProvider({ children }: { children: ReactNode }) {
  const { session, lab } = useSession();
  const store = useMemo(() => new EventStore(session.token), [session.token]);
  useEffect(() => {
    store.start();
    // While the WebSocket is down (or blocked on the way), read the same log over HTTP.
    const timer = setInterval(() => {
      if (store.status === 'live') return;
      lab.events(store.seq).then(
        (events) => store.merge(events),
        () => undefined,
      );
    }, 2000);
    return () => {
      clearInterval(timer);
      store.stop();
    };
  }, [store, lab]);
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useEventStore(): EventStore {
  const s = useContext(StoreContext);
  if (!s) throw new Error('useEventStore outside EventStreamProvider');
  return s;
}

/** Every event (re-renders on each new one), optionally filtered. */
export function useLabEvents(filter?: (e: LabEvent) => boolean): LabEvent[] {
  const store = useEventStore();
  const version = useSyncExternalStore(store.subscribe, store.getVersion);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => (filter ? store.all().filter(filter) : [...store.all()]), [version, filter, store]);
}

export function useStreamStatus(): StreamStatus {
  const store = useEventStore();
  useSyncExternalStore(store.subscribe, store.getVersion);
  return store.status;
}
