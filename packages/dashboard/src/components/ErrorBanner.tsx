import { errorMessage } from '../api/client';

export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      {typeof error === 'string' ? error : errorMessage(error)}
    </div>
  );
}
