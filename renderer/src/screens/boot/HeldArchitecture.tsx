// Beside the steps in step mode: the live architecture picture with the service that holds
// this request highlighted (its process, its host), so "where is my request" has an answer.
import { useTranslation } from 'react-i18next';
import type { Hold } from '../../api/lab';
import { usePoll } from '../../hooks/use-poll';
import { useSession } from '../../session/session';
import { ServiceMap } from '../overview/ServiceMap';

export function HeldArchitecture({ holds }: { holds: readonly Hold[] }) {
  const { t } = useTranslation();
  const { lab } = useSession();
  const services = usePoll(() => lab.services(), 3000, [lab]);
  if (!services.data) return null;
  return (
    <details className="held-architecture" open data-testid="held-architecture">
      <summary>{t('stepMode.map.title')}</summary>
      <ServiceMap processes={services.data.processes} health={services.data.health} held={holds} />
    </details>
  );
}
