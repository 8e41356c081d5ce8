import type { ZodError, ZodType, z } from 'zod';
import { badRequest } from './errors';

/** Validate an outside value with zod; failures become a 400 with the issues listed. */
export function parseInput<S extends ZodType>(schema: S, value: unknown, code = 'validation_error'): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw badRequest(
    code,
    describeZodError(r.error),
    r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

export function describeZodError(err: ZodError): string {
  const first = err.issues[0];
  if (!first) return 'Invalid input';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  return `${where}${first.message}`;
}
