// Step mode: whether it is on and which steps are held right now, from GET /lab/api/step-mode
// and then from the live `hold` events; Next releases the oldest held step, Continue turns
// step mode off (releasing everything held).
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LabEvent } from '../../../contract/events';
import type { Hold, StepModeState } from '../api/lab';
import { useSession } from '../session/session';
import { useEventStore, useLabEvents } from './use-events';

const isHold = (e: LabEvent) => e.kind === 'hold';

export function useStepMode() {
  const { lab } = useSession();
  const store = useEventStore();
  const [fetched, setFetched] = useState<{ state: StepModeState; seq: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const holdEvents = useLabEvents(isHold);

  const refresh = useCallback(async () => {
    const seq = store.seq;
    try {
      setFetched({ state: await lab.stepMode(), seq });
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [lab, store]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const state = useMemo<StepModeState>(() => {
    const last = holdEvents[holdEvents.length - 1];
    if (last && (!fetched || last.seq > fetched.seq)) {
      const d = last.detail as { enabled?: boolean; holds?: Hold[] } | undefined;
      return { enabled: !!d?.enabled, holds: d?.holds ?? [] };
    }
    return fetched?.state ?? { enabled: false, holds: [] };
  }, [holdEvents, fetched]);

  const act = useCallback(
    async (fn: () => Promise<unknown>) => {
      setBusy(true);
      try {
        await fn();
        setError(null);
        await refresh();
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setBusy(false);
      }
    },
    [refresh],
  );

  return {
    ...state,
    error,
    busy,
    setEnabled: (on: boolean) => act(() => lab.setStepMode(on)),
    next: (requestId?: string) => act(() => lab.next(requestId)),
    continueAll: () => act(() => lab.setStepMode(false)),
  };
}
