import { useState } from 'react';
import { authApi } from '../api/auth';
import { errorMessage } from '../api/client';
import { useSession } from '../app/session';
import { navigate } from '../lib/router';

/** Switches the current organization; sites, team and keys all follow it. */
export function OrgSwitcher() {
  const { me, org, refresh } = useSession();
  const [error, setError] = useState<string>();
  // While a reseller's admin views a client, the client is shown by name (the banner has the way back).
  if (me.orgs.length < 2 || me.viewing_as)
    return org ? (
      <span className="org-name" title="Organization">
        {org.name}
      </span>
    ) : null;
  const change = async (id: string) => {
    setError(undefined);
    try {
      await authApi.switchOrg(id);
      await refresh();
      navigate('/');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <span className="org-switcher">
      <select aria-label="Organization" value={org?.id ?? ''} onChange={(e) => void change(e.target.value)}>
        {me.orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="error-text">
          {error}
        </span>
      )}
    </span>
  );
}
