// The guest's serial console log (os-getConsoleOutput), refreshed while shown.
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { ErrorBox } from '../../components/ErrorBox';
import { CommandBlock } from '../../components/CommandBlock';

export function ConsoleLog({ serverId, serverName }: { serverId: string; serverName: string }) {
  const { t } = useTranslation();
  const { compute } = useSession();
  const log = usePoll(() => compute.consoleOutput(serverId, 300), 2000, [compute, serverId]);
  return (
    <div className="console-log">
      <ErrorBox what={t('console.logFailed')} error={log.error} />
      <pre className="terminal" data-testid="console-log">
        {log.data ?? ''}
      </pre>
      <CommandBlock title={t('console.logCli')} text={`openstack console log show ${serverName}`} />
    </div>
  );
}
