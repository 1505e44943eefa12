// The boot walkthrough: the twelve steps of one request, driven by its real events.
// The target is an instance id (the address that survives a reload or a new sign-in), or a
// launch made here whose POST has not answered yet; once it has, the address becomes the id.
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useLaunches } from '../../boot/launches';
import { bootView, findRequestId } from '../../boot/boot-model';
import { isLaunchKey } from '../../boot/launch-key';
import { noDecision } from '../../boot/no-decision';
import { useLabEvents } from '../../hooks/use-events';
import { useStepMode } from '../../hooks/use-step-mode';
import { usePoll } from '../../hooks/use-poll';
import { useSession } from '../../session/session';
import { href, replaceRoute } from '../../hooks/use-route';
import { Spinner, Status } from '../../components/Status';
import { ErrorBox } from '../../components/ErrorBox';
import { StepModeBar } from './StepModeBar';
import { StepRow } from './StepRow';
import { Message } from '../../components/Message';
import { LaterScheduling } from './LaterScheduling';
import { HeldArchitecture } from './HeldArchitecture';
import { NoDecisionNote } from './NoDecisionNote';
import { Waterfall } from './Waterfall';
import type { LaunchRecord } from '../../boot/launch-record';

/** A server not launched from this window: its create request id from os-instance-actions. */
function useServerOrigin(serverId: string | null, finished: boolean) {
  const { compute } = useSession();
  const server = usePoll(async () => (serverId ? compute.getServer(serverId) : null), finished ? 0 : 2000, [compute, serverId, finished]);
  const actions = usePoll(async () => (serverId ? compute.instanceActions(serverId) : []), 0, [compute, serverId]);
  const create = actions.data?.find((a) => a.action === 'create');
  return { server, requestId: create?.request_id ?? null, error: server.error ?? actions.error };
}

function Picker({ launches }: { launches: LaunchRecord[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { compute } = useSession();
  const servers = usePoll(() => compute.listServers(), 5000, [compute]);
  return (
    <div className="screen">
      <h2>{t('boot.title')}</h2>
      <p className="lead">{t('boot.pickLead')}</p>
      <ul className="picker">
        {[...launches].reverse().map((l) => (
          <li key={l.key}>
            <a href={href('boot', l.serverId ?? l.key)}>{l.name}</a> <span className="muted small">{fmt.time(l.startedAt)}</span>
          </li>
        ))}
        {(servers.data ?? [])
          .filter((s) => !launches.some((l) => l.serverId === s.id))
          .map((s) => (
            <li key={s.id}>
              <a href={href('boot', s.id)}>{s.name}</a> <Status value={s.status} />
            </li>
          ))}
      </ul>
      {launches.length === 0 && (servers.data ?? []).length === 0 && (
        <p className="muted">
          {t('boot.nothingYet')} <a href={href('launch')}>{t('nav.launch')}</a>
        </p>
      )}
    </div>
  );
}

export function BootWalkthrough({ target }: { target: string | null }) {
  const { t } = useTranslation();
  const { list, find } = useLaunches();
  const launch = target ? find(target) : (list[list.length - 1] ?? null);
  // The address names the instance as soon as Nova has given it an id.
  const serverId = launch?.serverId ?? null;
  useEffect(() => {
    if (serverId && target !== serverId) replaceRoute('boot', serverId);
  }, [serverId, target]);
  if (!target && !launch) return <Picker launches={list} />;
  if (target && !launch && isLaunchKey(target))
    // A launch address from a page since reloaded or signed out, before Nova answered: its record went with that page.
    return (
      <>
        <p className="error-box" data-testid="boot-launch-gone">
          {t('walkById.launchGone')}
        </p>
        <Picker launches={list} />
      </>
    );
  return <Walkthrough launch={launch} serverId={launch ? serverId : target} />;
}

function Walkthrough({ launch, serverId }: { launch: LaunchRecord | null; serverId: string | null }) {
  const { t } = useTranslation();
  const events = useLabEvents();
  const mode = useStepMode();
  const origin = useServerOrigin(launch ? null : serverId, false);
  const requestId = launch ? findRequestId(events, mode.holds, launch) : origin.requestId;
  const server = launch?.server ?? origin.server.data ?? null;
  const { compute } = useSession();
  // The decisions nova-conductor saved: they outlive the events, and say whether there is one to open.
  const saved = usePoll(async () => (serverId ? compute.schedulerTraces(serverId) : []), 5000, [compute, serverId]);
  const view = useMemo(
    () =>
      bootView(
        launch,
        requestId,
        events,
        mode.holds,
        server ? { status: server.status, fault: server.fault?.message ?? null } : null,
        saved.data ?? [],
      ),
    [launch, requestId, events, mode.holds, server, saved.data],
  );
  const missing = useMemo(
    () =>
      noDecision({
        trace: view.trace,
        saved: saved.data ?? (saved.error ? [] : null),
        requestEvents: requestId ? events.filter((e) => e.ctx?.request_id === requestId) : [],
        allEvents: events,
        finished: view.finished,
        fault: view.fault,
        faultAt: server?.fault?.created ?? null,
      }),
    [view, saved.data, saved.error, requestId, events, server],
  );
  const myHolds = useMemo(() => mode.holds.filter((h) => !!requestId && h.ctx.request_id === requestId), [mode.holds, requestId]);
  const name = launch?.name ?? server?.name ?? serverId ?? '';
  const status = launch?.finalStatus ?? server?.status ?? (launch?.postError ? 'ERROR' : launch ? 'BUILD' : null);
  const doneCount = view.steps.filter((s) => s.status === 'done').length;
  const decisionLink = serverId && view.trace ? href('scheduler', serverId, ...(requestId ? [requestId] : [])) : null;

  return (
    <div className="screen">
      <div className="screen-head">
        <h2>
          {t('boot.title')}: <span data-testid="boot-name">{name}</span>
        </h2>
        {status ? <Status value={status} testId="boot-status" /> : <Spinner label={t('common.loading')} />}
      </div>
      <div className="boot-meta muted small">
        {t('boot.requestId')}: <code data-testid="boot-request-id">{requestId ?? t('boot.unknownYet')}</code>
        {serverId && (
          <>
            {' '}
            · {t('boot.serverId')}: <code data-testid="boot-server-id">{serverId}</code>
          </>
        )}
        {' · '}
        <span data-testid="boot-progress">{t('boot.doneCount', { done: doneCount, total: view.steps.length })}</span>
      </div>
      <StepModeBar mode={mode} requestId={requestId} view={view} />
      {mode.enabled && <HeldArchitecture holds={myHolds} />}
      {launch?.authError && <ErrorBox what={t('boot.authFailed')} error={new Error(launch.authError)} />}
      {launch?.postError && <ErrorBox what={t('boot.postFailed')} error={new Error(launch.postError.message)} testId="boot-post-error" />}
      {!launch && origin.error && <ErrorBox what={t('boot.serverFailed')} error={origin.error} />}
      {view.finished === 'ERROR' && view.fault && (
        <div className="error-box" data-testid="boot-fault">
          <div className="error-what">{t('boot.faultTitle')}</div>
          <div className="error-message">
            {view.faultMessage ? <Message message={view.faultMessage} fallback={view.fault} /> : view.fault}
          </div>
          {decisionLink && (
            <div className="error-hint">
              {t('boot.faultHint')} <a href={decisionLink}>{t('boot.openScheduler')}</a>
            </div>
          )}
          {missing && <NoDecisionNote missing={missing} testId="boot-fault-no-decision" className="error-hint" />}
        </div>
      )}
      <ol className="timeline" data-testid="boot-timeline">
        {view.steps.map((s) => (
          <StepRow key={s.id} step={s} images={view.images} decisionLink={decisionLink} missing={missing} holds={myHolds} />
        ))}
      </ol>
      <Waterfall model={view.waterfall} />
      {serverId && <LaterScheduling serverId={serverId} />}
      {view.finished === 'ACTIVE' && serverId && (
        <div className="actions-row">
          <a className="button primary" href={href('console', serverId)} data-testid="open-console">
            {t('boot.openConsole')}
          </a>
          <a className="button" href={href('instances')}>
            {t('nav.instances')}
          </a>
        </div>
      )}
    </div>
  );
}
