import type { ReactNode } from 'react';
import { BrandMark } from '../app/branding';

/** The centered card used by setup, sign-in and invitations. */
export function AuthFrame({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <main className="auth-frame" id="main">
      <div className="auth-card">
        <div className="auth-brand" aria-hidden="true">
          <BrandMark size={36} />
        </div>
        <h1>{title}</h1>
        {intro && <p className="muted">{intro}</p>}
        {children}
      </div>
    </main>
  );
}
