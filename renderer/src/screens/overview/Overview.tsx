// Overview: the services as the course draws them (processes with PIDs and ports), the
// `nova service-list` table, and one card per compute host with its capacity in use.
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { ErrorBox } from '../../components/ErrorBox';
import { Spinner } from '../../components/Status';
import { ServiceMap } from './ServiceMap';
import { ProcessTable } from './ProcessTable';
import { ServiceList } from './ServiceList';
import { HostCards } from './HostCards';
import { hostCounts } from './host-counts';
import { CourseDiagrams } from './CourseDiagrams';
import { ApiWorkers } from './ApiWorkers';
import { HostArchitecture } from './HostArchitecture';

export function Overview() {
  const { t } = useTranslation();
  const { lab, compute } = useSession();
  const services = usePoll(() => lab.services(), 3000, [lab]);
  const hypervisors = usePoll(() => compute.hypervisors(), 5000, [compute]);
  const servers = usePoll(() => compute.listAllServers(), 5000, [compute]);
  // nova-api's pids per port and the hosts' ratios (admin only), and the aggregates (os-aggregates).
  const architecture = usePoll(() => lab.architecture(), 5000, [lab]);
  const aggregates = usePoll(() => compute.aggregates(), 5000, [compute]);

  return (
    <div className="screen">
      <h2>{t('overview.title')}</h2>
      <p className="lead">{t('overview.lead')}</p>
      <ErrorBox what={t('overview.servicesFailed')} error={services.error} />
      {services.loading && <Spinner label={t('common.loading')} />}
      {services.data && (
        <>
          <ServiceMap processes={services.data.processes} />
          {/* The course's two pictures beside the live one: what stands for each box here. */}
          <CourseDiagrams
            live={{
              processes: services.data.processes,
              architecture: architecture.data,
              hypervisorTypes: hypervisors.data ? hypervisors.data.map((h) => h.hypervisor_type) : null,
            }}
          />
          <section className="card">
            <h3>
              {t('overview.apiWorkers.heading')} <code className="cmd-hint">netstat -anp | grep nova-api</code>
            </h3>
            <ErrorBox what={t('overview.apiWorkers.failed')} error={architecture.error} />
            {architecture.data && <ApiWorkers groups={architecture.data.api_workers} />}
          </section>
          <section className="card">
            <h3>
              {t('overview.processes')} <code className="cmd-hint">ps aux | grep nova</code>
            </h3>
            <ProcessTable processes={services.data.processes} />
          </section>
          <section className="card">
            <h3>
              {t('overview.serviceList')} <code className="cmd-hint">nova service-list</code>
            </h3>
            <ServiceList rows={services.data.services} />
          </section>
        </>
      )}
      <section className="card">
        <h3>
          {t('overview.hosts')}
          {hypervisors.data && (
            <span className="muted small" data-testid="host-count">
              {' '}
              ({t('overview.hostCount', { count: hypervisors.data.length })})
            </span>
          )}{' '}
          <code className="cmd-hint">openstack hypervisor list</code>
        </h3>
        <ErrorBox what={t('overview.hypervisorsFailed')} error={hypervisors.error} />
        {hypervisors.data && (
          <HostCards
            hypervisors={hypervisors.data}
            counts={servers.data ? hostCounts(servers.data) : null}
            zones={Object.fromEntries(
              (services.data?.services ?? []).filter((r) => r.binary === 'nova-compute').map((r) => [r.host, r.zone]),
            )}
          />
        )}
      </section>
      <section className="card">
        <h3>
          {t('overview.hostArch.heading')} <code className="cmd-hint">openstack hypervisor show · openstack aggregate list --long</code>
        </h3>
        <ErrorBox what={t('overview.apiWorkers.failed')} error={architecture.error} />
        <ErrorBox what={t('overview.hostArch.aggregatesFailed')} error={aggregates.error} />
        {architecture.data && architecture.data.stale_conf.length > 0 && (
          <p className="muted small" data-testid="host-arch-stale">
            {t('overview.hostArch.staleConf', { services: architecture.data.stale_conf.join(', ') })}
          </p>
        )}
        {architecture.data?.hosts === null && <p className="muted">{t('overview.hostArch.conductorAway')}</p>}
        {architecture.data?.hosts && (
          <HostArchitecture hosts={architecture.data.hosts} hypervisors={hypervisors.data} aggregates={aggregates.data} />
        )}
      </section>
    </div>
  );
}
