// The shell: sign-in gate, then the navigation and the current screen.
import { useTranslation } from 'react-i18next';
import { SessionProvider, useSession, useSessionHolder } from './session/session';
import { EventStreamProvider, useStreamStatus } from './hooks/use-events';
import { LaunchProvider } from './boot/launches';
import { useRoute, href } from './hooks/use-route';
import { LANGUAGES, setLanguage, type LanguageCode } from './i18n';
import { SignIn } from './screens/signin/SignIn';
import { Overview } from './screens/overview/Overview';
import { LaunchWizard } from './screens/launch/LaunchWizard';
import { BootWalkthrough } from './screens/boot/BootWalkthrough';
import { SchedulerScreen } from './screens/scheduler/SchedulerScreen';
import { ConsoleScreen } from './screens/console/ConsoleScreen';
import { Instances } from './screens/instances/Instances';
import { ConfigScreen } from './screens/config/ConfigScreen';
import { LabsPanel } from './screens/labs/LabsPanel';
import { LogsScreen } from './screens/logs/LogsScreen';

const NAV = ['overview', 'launch', 'boot', 'scheduler', 'console', 'instances', 'config', 'labs', 'logs'] as const;

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang">
      <span className="sr-only">{t('app.language')}</span>
      <select
        data-testid="language-select"
        value={i18n.language}
        onChange={(e) => setLanguage(e.target.value as LanguageCode)}
        aria-label={t('app.language')}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function StreamBadge() {
  const { t } = useTranslation();
  const status = useStreamStatus();
  return (
    <span className={`stream stream-${status}`} data-testid="stream-status" title={t('app.streamHelp')}>
      {t(`app.stream.${status}`)}
    </span>
  );
}

function Screen() {
  const { screen, args } = useRoute();
  switch (screen) {
    case 'launch':
      return <LaunchWizard />;
    case 'boot':
      return <BootWalkthrough target={args[0] ?? null} />;
    case 'scheduler':
      return <SchedulerScreen target={args[0] ?? null} focus={args[1] ?? null} />;
    case 'console':
      return <ConsoleScreen serverId={args[0] ?? null} />;
    case 'instances':
      return <Instances />;
    case 'config':
      return <ConfigScreen />;
    case 'labs':
      return <LabsPanel />;
    case 'logs':
      return <LogsScreen binary={args[0] ?? null} host={args[1] ?? null} />;
    default:
      return <Overview />;
  }
}

function Shell() {
  const { t } = useTranslation();
  const { session, signOut } = useSession();
  const { screen } = useRoute();
  const current = (NAV as readonly string[]).includes(screen) ? screen : 'overview';
  return (
    <EventStreamProvider>
      <LaunchProvider>
        <div className="shell">
          <header className="topbar">
            <div className="brand">
              novalab <span className="brand-sub">{t('app.tagline')}</span>
            </div>
            <div className="topbar-right">
              <StreamBadge />
              <span className="who" data-testid="signed-in-user">
                {session.info.user.name}@{session.info.project?.name ?? '-'}
              </span>
              <LanguageSwitch />
              <button type="button" className="link" onClick={signOut} data-testid="sign-out">
                {t('app.signOut')}
              </button>
            </div>
          </header>
          <nav className="nav" aria-label={t('app.navigation')}>
            {/* Service logs show what every project's requests printed: admin only, like the lab API route. */}
            {NAV.filter((id) => id !== 'logs' || session.isAdmin).map((id) => (
              <a
                key={id}
                href={href(id)}
                className={id === current ? 'nav-item active' : 'nav-item'}
                data-testid={`nav-${id}`}
                aria-current={id === current ? 'page' : undefined}
              >
                {t(`nav.${id}`)}
              </a>
            ))}
          </nav>
          <main className="content" data-testid={`screen-${current}`}>
            <Screen />
          </main>
        </div>
      </LaunchProvider>
    </EventStreamProvider>
  );
}

function Gate() {
  const { session } = useSessionHolder();
  const { t } = useTranslation();
  if (!session) {
    return (
      <div className="signin-page">
        <div className="signin-lang">
          <LanguageSwitch />
        </div>
        <SignIn />
        <p className="signin-foot">{t('signin.foot')}</p>
      </div>
    );
  }
  return <Shell />;
}

export function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}
