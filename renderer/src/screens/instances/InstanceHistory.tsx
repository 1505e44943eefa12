// `openstack server event list`: the instance's actions (os-instance-actions), newest first,
// each with its events.
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { ErrorBox } from '../../components/ErrorBox';
import { CommandBlock } from '../../components/CommandBlock';
import { href } from '../../hooks/use-route';
import { useLabEvents } from '../../hooks/use-events';
import { ActionLines, isActionLine } from './ActionLines';
import { Fragment } from 'react';

export function InstanceHistory({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { compute } = useSession();
  const history = usePoll(
    async () => {
      const actions = await compute.instanceActions(serverId);
      return Promise.all(actions.map((a) => compute.instanceAction(serverId, a.request_id).catch(() => ({ ...a, events: [] }))));
    },
    3000,
    [compute, serverId],
  );
  // The decisions nova-conductor still keeps, by the request that caused them: each action that has one opens it.
  const traces = usePoll(() => compute.schedulerTraces(serverId), 5000, [compute, serverId]);
  // The lab's lines of each action's request, while its event log keeps them.
  const lines = useLabEvents(isActionLine);
  const linesOf = (requestId: string) => lines.filter((e) => e.ctx?.request_id === requestId);
  const attempts = (requestId: string) => (traces.data ?? []).filter((tr) => tr.request_id === requestId).length;
  return (
    <section className="card" data-testid="instance-history">
      <h3>{t('instances.history')}</h3>
      <ErrorBox what={t('instances.historyFailed')} error={history.error} />
      <table className="table">
        <thead>
          <tr>
            <th>{t('instances.col.action')}</th>
            <th>{t('instances.col.requestId')}</th>
            <th>{t('instances.col.start')}</th>
            <th>{t('instances.col.events')}</th>
            <th>{t('instances.col.message')}</th>
            <th>{t('walkById.colDecision')}</th>
          </tr>
        </thead>
        <tbody>
          {(history.data ?? []).map((a) => (
            <Fragment key={a.request_id + a.action}>
              <tr data-testid={`history-${a.action}`}>
                <td>
                  <strong data-value={a.action}>{t(`instanceActions.${a.action}`, { defaultValue: a.action })}</strong>
                </td>
                <td className="mono small">{a.request_id}</td>
                <td className="time">{fmt.dateTime(a.start_time)}</td>
                <td>
                  {a.events.map((e) => (
                    <div key={e.event + e.start_time} className="small">
                      <code>{e.event}</code> {e.result ? t(`eventResults.${e.result}`, { defaultValue: e.result }) : '…'}
                      {e.host ? ` @ ${e.host}` : ''}
                      {/* Nova's own words for a failed event: the API's data, quoted. */}
                      {e.details ? (
                        <>
                          {' — '}
                          <span data-raw="nova-api">{e.details}</span>
                        </>
                      ) : (
                        ''
                      )}
                    </div>
                  ))}
                </td>
                <td className="small">{a.message ? t(`eventResults.${a.message}`, { defaultValue: a.message }) : '-'}</td>
                <td className="small">
                  {attempts(a.request_id) > 0 ? (
                    <a className="link" href={href('scheduler', serverId, a.request_id)} data-testid={`history-decision-${a.action}`}>
                      {t('walkById.openDecision', { count: attempts(a.request_id) })}
                    </a>
                  ) : (
                    '-'
                  )}
                </td>
              </tr>
              {linesOf(a.request_id).length > 0 && (
                <tr className="history-lines-row">
                  <td colSpan={6}>
                    <ActionLines action={a.action} requestId={a.request_id} events={linesOf(a.request_id)} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      <CommandBlock title={t('instances.historyCli')} text={`openstack server event list ${serverId}`} />
    </section>
  );
}
