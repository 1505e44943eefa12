// `openstack server event list`: the instance's actions (os-instance-actions), newest first,
// each with its events.
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { ErrorBox } from '../../components/ErrorBox';
import { CommandBlock } from '../../components/CommandBlock';

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
          </tr>
        </thead>
        <tbody>
          {(history.data ?? []).map((a) => (
            <tr key={a.request_id + a.action} data-testid={`history-${a.action}`}>
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
            </tr>
          ))}
        </tbody>
      </table>
      <CommandBlock title={t('instances.historyCli')} text={`openstack server event list ${serverId}`} />
    </section>
  );
}
