import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import { authApi } from '../api/auth';
import type { Me } from '@tidemark/core';
import { SessionContext } from './session';
import { AppRoutes } from './AppRoutes';
import { SetupPage } from '../pages/SetupPage';
import { LoginPage } from '../pages/LoginPage';
import { AcceptInvitePage } from '../pages/AcceptInvitePage';
import { SignupPage } from '../pages/SignupPage';
import { VerifyEmailPage } from '../pages/VerifyEmailPage';
import { matchPath, navigate, useLocation } from '../lib/router';
import { useBranding } from './branding';

type Boot =
  | { state: 'loading' }
  | { state: 'setup' }
  | { state: 'signed_out'; openSignup: boolean }
  | { state: 'signed_in'; me: Me }
  | { state: 'error'; message: string };

/** Decides between first-run setup, sign-in and the app, from the API's answers. */
export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const { path } = useLocation();

  const refresh = useCallback(async () => {
    try {
      const me = await authApi.me();
      setBoot({ state: 'signed_in', me });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) {
        setBoot({ state: 'error', message: errorMessage(e) });
        return;
      }
      const status = await authApi.setupStatus().catch(() => ({ needs_setup: false, open_signup: false }));
      setBoot(status.needs_setup ? { state: 'setup' } : { state: 'signed_out', openSignup: !!status.open_signup });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // The branding follows who is signed in and into which organization.
  const { reload: reloadBranding } = useBranding();
  const brandKey = boot.state === 'signed_in' ? (boot.me.current_org?.id ?? 'none') : boot.state;
  // biome-ignore lint/correctness/useExhaustiveDependencies: brandKey stands for the session's organization
  useEffect(() => reloadBranding(), [brandKey]);

  const invite = matchPath('/invite/:token', path);
  const verify = matchPath('/verify-email/:token', path);
  const signup = path === '/signup' && boot.state === 'signed_out' && boot.openSignup;

  useEffect(() => {
    if (boot.state === 'setup' && path !== '/setup') navigate('/setup', { replace: true });
    if (boot.state === 'signed_out' && path !== '/login' && !invite && !verify && !signup) navigate(`/login`, { replace: true });
    if (boot.state === 'signed_in' && (path === '/login' || path === '/setup' || path === '/signup')) navigate('/', { replace: true });
  }, [boot.state, path, invite, verify, signup]);

  if (boot.state === 'loading')
    return (
      <div className="boot" role="status">
        Loading…
      </div>
    );
  if (boot.state === 'error')
    return (
      <div className="boot" role="alert">
        Cannot reach the server: {boot.message}
      </div>
    );
  if (invite) return <AcceptInvitePage token={invite.token} signedIn={boot.state === 'signed_in'} onDone={refresh} />;
  if (verify) return <VerifyEmailPage token={verify.token} onDone={refresh} />;
  if (boot.state === 'setup') return <SetupPage onDone={refresh} />;
  if (signup) return <SignupPage onDone={refresh} />;
  if (boot.state === 'signed_out') return <LoginPage onDone={refresh} openSignup={boot.openSignup} />;

  const session = { me: boot.me, org: boot.me.current_org ?? boot.me.orgs[0] ?? null, refresh };
  return (
    <SessionContext.Provider value={session}>
      <AppRoutes />
    </SessionContext.Provider>
  );
}
