import { useState } from 'react';
import { tenancyApi } from '../api/tenancy';
import { errorMessage } from '../api/client';
import { useSession } from '../app/session';
import { navigate } from '../lib/router';

/** While a reseller's admin views a client: which client, and the way back to the reseller. */
export function ViewingAsBanner() {
  const { me, refresh } = useSession();
  const [error, setError] = useState<string>();
  const v = me.viewing_as;
  if (!v) return null;
  const back = async () => {
    setError(undefined);
    try {
      await tenancyApi.returnToReseller();
      await refresh();
      navigate('/clients');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <p className="banner viewing-as" role="status" data-testid="viewing-as">
      Viewing as <strong>{v.org_name}</strong> (client of {v.reseller_name}).{' '}
      <button type="button" className="link-button" onClick={() => void back()}>
        Back to {v.reseller_name}
      </button>
      {error && (
        <span role="alert" className="error-text">
          {' '}
          {error}
        </span>
      )}
    </p>
  );
}
