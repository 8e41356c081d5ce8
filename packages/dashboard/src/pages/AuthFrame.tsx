import type { ReactNode } from 'react';

/** The centered card used by setup, sign-in and invitations. */
export function AuthFrame({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <main className="auth-frame" id="main">
      <div className="auth-card">
        <div className="auth-brand" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="36" height="36" aria-hidden="true">
            <rect width="32" height="32" rx="7" className="brand-bg" />
            <path d="M4 20c4-6 8-6 12 0s8 6 12 0" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
          </svg>
          Tidemark
        </div>
        <h1>{title}</h1>
        {intro && <p className="muted">{intro}</p>}
        {children}
      </div>
    </main>
  );
}
