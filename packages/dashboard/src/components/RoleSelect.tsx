import type { Role } from '@tidemark/core';

export const ROLES: Array<{ role: Role; label: string }> = [
  { role: 'viewer', label: 'Viewer — reads statistics' },
  { role: 'member', label: 'Member — reads statistics' },
  { role: 'admin', label: 'Admin — manages sites, team and keys' },
  { role: 'owner', label: 'Owner' },
];

export function RoleSelect({
  value,
  onChange,
  label,
  name,
  allowOwner,
  id,
}: {
  value?: Role;
  onChange?: (r: Role) => void;
  label: string;
  name?: string;
  allowOwner?: boolean;
  id?: string;
}) {
  return (
    <select
      id={id}
      aria-label={id ? undefined : label}
      name={name}
      value={value}
      defaultValue={value ? undefined : 'viewer'}
      onChange={onChange ? (e) => onChange(e.target.value as Role) : undefined}
    >
      {ROLES.filter((r) => allowOwner || r.role !== 'owner').map((r) => (
        <option key={r.role} value={r.role}>
          {r.label}
        </option>
      ))}
    </select>
  );
}
