// The scheduler's decisions for one server: from GET …/os-scheduler-trace, or from the
// scheduler.decide events when that endpoint is not there.
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScheduleTrace } from '../../../../contract/scheduler';
import type { LabEvent } from '../../../../contract/events';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { useLabEvents } from '../../hooks/use-events';
import { useLaunches } from '../../boot/launches';
import { href, replaceRoute } from '../../hooks/use-route';
import { isLaunchKey } from '../../boot/launch-key';
import { RecentDecisions } from './RecentDecisions';
import { bootOutcome } from '../../boot/boot-model';
import { noDecision } from '../../boot/no-decision';
import { NoDecisionNote } from '../boot/NoDecisionNote';
import { ErrorBox } from '../../components/ErrorBox';
import { Status, Spinner } from '../../components/Status';
import { TraceView } from './TraceView';

const isDecision = (e: LabEvent) =>
  e.kind === 'step' && e.step === 'scheduler.decide' && !!e.detail && Array.isArray((e.detail as ScheduleTrace).filters);

/** `focus`: a request id (from the walkthrough's later-scheduling list) whose decision is scrolled into view and outlined. */
export function SchedulerScreen({ target, focus = null }: { target: string | null; focus?: string | null }) {
  const { t } = useTranslation();
  const { list, find } = useLaunches();
  const launch = target ? find(target) : (list[list.length - 1] ?? null);
  const serverId = launch?.serverId ?? (target && isLaunchKey(target) ? null : target);
  // The address names the instance by its id, so it survives a reload and a new sign-in.
  useEffect(() => {
    if (serverId && target !== serverId) replaceRoute('scheduler', serverId, ...(focus ? [focus] : []));
  }, [serverId, target, focus]);
  if (!serverId) return <SchedulerPicker />;
  return (
    <div className="screen">
      <div className="screen-head">
        <h2>{t('scheduler.title')}</h2>
        <a className="link" href={href('boot', serverId)}>
          {t('scheduler.backToBoot')}
        </a>
      </div>
      <p className="lead">{t('scheduler.lead')}</p>
      <Traces serverId={serverId} focus={focus} />
    </div>
  );
}

function Traces({ serverId, focus }: { serverId: string; focus: string | null }) {
  const { t } = useTranslation();
  const { compute } = useSession();
  const decisions = useLabEvents(isDecision);
  const api = usePoll(() => compute.schedulerTraces(serverId), 3000, [compute, serverId]);
  const server = usePoll(() => compute.getServer(serverId), 3000, [compute, serverId]);
  const traces = useMemo(() => {
    if (api.data && api.data.length) return api.data;
    return decisions.map((e) => e.detail as ScheduleTrace).filter((tr) => tr.instance_uuid === serverId);
  }, [api.data, decisions, serverId]);
  // With none to show for a boot that has ended: why (the same statement as the walkthrough's), not "yet".
  const events = useLabEvents();
  const actions = usePoll(() => compute.instanceActions(serverId), 0, [compute, serverId]);
  const createRequest = actions.data?.find((a) => a.action === 'create')?.request_id ?? null;
  const missing = useMemo(
    () =>
      traces.length || !api.data || !server.data
        ? null
        : noDecision({
            trace: null,
            saved: api.data,
            requestEvents: createRequest ? events.filter((e) => e.ctx?.request_id === createRequest) : [],
            allEvents: events,
            finished: bootOutcome(server.data.status),
            fault: server.data.fault?.message ?? null,
            faultAt: server.data.fault?.created ?? null,
          }),
    [traces.length, api.data, server.data, createRequest, events],
  );

  return (
    <>
      {server.data && (
        <p className="muted" data-testid="scheduler-server">
          {server.data.name} <Status value={server.data.status} />{' '}
          {server.data['OS-EXT-SRV-ATTR:host'] ? `→ ${server.data['OS-EXT-SRV-ATTR:host']}` : ''}
        </p>
      )}
      {server.data?.fault && traces.length === 0 && (
        <div className="error-box" data-testid="scheduler-fault">
          <div className="error-what">{t('scheduler.fault')}</div>
          <div className="error-message">{server.data.fault.message}</div>
        </div>
      )}
      {traces.length === 0 &&
        (api.loading ? (
          <Spinner label={t('common.loading')} />
        ) : missing ? (
          <NoDecisionNote missing={missing} testId="scheduler-no-decision" className="muted" />
        ) : (
          <p className="muted" data-testid="scheduler-empty">
            {t('scheduler.none')}
          </p>
        ))}
      {traces.map((tr) => (
        <TraceView key={`${tr.request_id}-${tr.attempt}-${tr.started_at}`} trace={tr} focused={focus !== null && tr.request_id === focus} />
      ))}
    </>
  );
}

function SchedulerPicker() {
  const { t } = useTranslation();
  const { compute } = useSession();
  const servers = usePoll(() => compute.listServers(), 5000, [compute]);
  return (
    <div className="screen">
      <h2>{t('scheduler.title')}</h2>
      <p className="lead">{t('scheduler.pickLead')}</p>
      <ErrorBox what={t('instances.loadFailed')} error={servers.error} />
      <ul className="picker">
        {(servers.data ?? []).map((s) => (
          <li key={s.id}>
            <a href={href('scheduler', s.id)}>{s.name}</a> <Status value={s.status} />
          </li>
        ))}
      </ul>
      <RecentDecisions servers={servers.data ?? []} />
    </div>
  );
}
