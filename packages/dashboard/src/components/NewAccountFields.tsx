import { Field } from './Field';

/** The fields of a new account with its own organization (first-run setup and open sign-up). */
export function NewAccountFields({ passwordHint }: { passwordHint: string }) {
  return (
    <>
      <Field label="Your name" name="name" autoComplete="name" />
      <Field label="Email" name="email" type="email" required autoComplete="email" />
      <Field label="Password" name="password" type="password" required minLength={8} autoComplete="new-password" hint={passwordHint} />
      <Field label="Organization name" name="org_name" placeholder="My company" />
    </>
  );
}

/** The registration request those fields make. */
export function newAccountOf(f: FormData) {
  return {
    email: String(f.get('email')),
    password: String(f.get('password')),
    name: String(f.get('name') || '') || undefined,
    org_name: String(f.get('org_name') || '') || undefined,
  };
}
