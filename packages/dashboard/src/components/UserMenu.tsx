import { authApi } from '../api/auth';
import { useSession } from '../app/session';
import { Link } from './Link';

export function UserMenu() {
  const { me, refresh } = useSession();
  const signOut = async () => {
    await authApi.logout().catch(() => undefined);
    await refresh();
  };
  return (
    <div className="user-menu">
      <Link to="/account" className="user-link" title="Account settings">
        {me.user.name || me.user.email}
      </Link>
      <button type="button" className="link-button" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
}
