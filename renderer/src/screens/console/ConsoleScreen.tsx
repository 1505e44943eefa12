// The console of one server: its screen through the token-gated proxy (noVNC's RFB), its
// console log, and the course's 14-step noVNC flow lit by the real events.
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { useEventStore, useLabEvents } from '../../hooks/use-events';
import { useStepMode } from '../../hooks/use-step-mode';
import { href } from '../../hooks/use-route';
import { Tabs } from '../../components/Tabs';
import { Status } from '../../components/Status';
import { ErrorBox } from '../../components/ErrorBox';
import { CommandBlock } from '../../components/CommandBlock';
import { StepModeBar } from '../boot/StepModeBar';
import { VncScreen, type VncState } from './VncScreen';
import { ConsoleLog } from './ConsoleLog';
import { ConsoleFlow } from './ConsoleFlow';
import { consoleFlow, type ConsoleSession } from './console-flow';
import { consoleCanOpen } from '../../../../contract/console-status';
import type { LabEvent } from '../../../../contract/events';

const isStep = (e: LabEvent) => e.kind === 'step';

export function ConsoleScreen({ serverId }: { serverId: string | null }) {
  if (!serverId) return <ConsolePicker />;
  return <Console key={serverId} serverId={serverId} />;
}

function Console({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const { compute } = useSession();
  const store = useEventStore();
  const stepEvents = useLabEvents(isStep);
  const mode = useStepMode();
  const server = usePoll(() => compute.getServer(serverId), 4000, [compute, serverId]);
  const [tab, setTab] = useState('screen');
  const [session, setSession] = useState<ConsoleSession>(() => ({
    startSeq: store.seq,
    instanceUuid: serverId,
    opened: false,
    urlRequested: false,
    urlReceived: false,
    apiRequestId: null,
    failed: null,
  }));
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const patch = (p: Partial<ConsoleSession>) => setSession((s) => ({ ...s, ...p }));

  const getUrl = useCallback(async () => {
    setSession({
      startSeq: store.seq,
      instanceUuid: serverId,
      opened: true,
      urlRequested: true,
      urlReceived: false,
      apiRequestId: null,
      failed: null,
    });
    const rc = await compute.remoteConsole(serverId);
    patch({ urlReceived: true, apiRequestId: rc.requestId });
    return rc.url;
  }, [compute, serverId, store]);

  const onState = useCallback((s: VncState, detail?: string) => {
    if (s === 'failed') patch({ failed: detail ?? 'failed' });
  }, []);

  const flow = useMemo(() => consoleFlow(stepEvents, session), [stepEvents, session]);
  const name = server.data?.name ?? serverId;
  const active = server.data ? consoleCanOpen(server.data.status) : true;

  return (
    <div className="screen">
      <div className="screen-head">
        <h2>
          {t('console.title')}: <span data-testid="console-name">{name}</span>
        </h2>
        {server.data && <Status value={server.data.status} />}
        <a className="link" href={href('boot', serverId)}>
          {t('console.backToBoot')}
        </a>
      </div>
      <ErrorBox what={t('console.serverFailed')} error={server.error} />
      {!active && (
        <p className="muted" data-testid="console-not-active">
          {t('console.notActive')}
        </p>
      )}
      {mode.enabled && <StepModeBar mode={mode} requestId={null} />}
      <div className="console-layout">
        <div className="card console-main">
          <Tabs
            tabs={[
              { id: 'screen', label: t('console.screenTab') },
              { id: 'log', label: t('console.logTab') },
            ]}
            active={tab}
            onSelect={setTab}
            testId="console-tabs"
          />
          <div hidden={tab !== 'screen'}>
            {active && <VncScreen getUrl={getUrl} onState={onState} />}
            <CommandBlock title={t('console.urlCli')} text={`openstack console url show --novnc ${name}`} />
          </div>
          {tab === 'log' && <ConsoleLog serverId={serverId} serverName={name} />}
        </div>
        <ConsoleFlow steps={flow} />
      </div>
    </div>
  );
}

function ConsolePicker() {
  const { t } = useTranslation();
  const { compute } = useSession();
  const servers = usePoll(() => compute.listServers(), 5000, [compute]);
  const openable = (servers.data ?? []).filter((s) => consoleCanOpen(s.status));
  return (
    <div className="screen">
      <h2>{t('console.title')}</h2>
      <p className="lead">{t('console.pickLead')}</p>
      <ErrorBox what={t('instances.loadFailed')} error={servers.error} />
      <ul className="picker">
        {openable.map((s) => (
          <li key={s.id}>
            <a href={href('console', s.id)} data-testid={`console-pick-${s.name}`}>
              {s.name}
            </a>{' '}
            <Status value={s.status} />
          </li>
        ))}
      </ul>
      {servers.data && openable.length === 0 && (
        <p className="muted" data-testid="console-no-servers">
          {t('console.noServers')}
        </p>
      )}
    </div>
  );
}
