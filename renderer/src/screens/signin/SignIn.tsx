// Sign in to keystone with a password; only the token is kept, in memory.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { passwordLogin } from '../../api/identity';
import { useSessionHolder } from '../../session/session';
import { ErrorBox } from '../../components/ErrorBox';
import { Spinner } from '../../components/Status';

export function SignIn() {
  const { t } = useTranslation();
  const { setSession } = useSessionHolder();
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
  const [project, setProject] = useState('admin');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const exchange = await passwordLogin(user.trim(), password, project.trim());
      setPassword('');
      setSession(exchange.session);
      if (!location.hash || location.hash === '#') location.hash = '#/overview';
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card signin" onSubmit={submit} data-testid="signin-form">
      <h1>novalab</h1>
      <p className="muted">{t('signin.intro')}</p>
      <label>
        {t('signin.user')}
        <input data-testid="signin-user" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="username" required />
      </label>
      <label>
        {t('signin.password')}
        <input
          data-testid="signin-password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          required
        />
      </label>
      <label>
        {t('signin.project')}
        <input data-testid="signin-project" value={project} onChange={(e) => setProject(e.target.value)} required />
      </label>
      <button type="submit" className="primary" disabled={busy} data-testid="signin-submit">
        {busy ? <Spinner label={t('signin.signingIn')} /> : t('signin.submit')}
      </button>
      <ErrorBox what={t('signin.failed')} error={error} signIn />
      <p className="muted small">{t('signin.hint')}</p>
    </form>
  );
}
