/** The one error shape every 4xx/5xx answer carries: {"success":false,"error":{"code","message"}}. */
export interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: unknown };
}

export class TidemarkError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'TidemarkError';
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return { success: false, error };
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new TidemarkError(400, code, message, details);
export const unauthorized = (message = 'Authentication required') => new TidemarkError(401, 'unauthorized', message);
export const forbidden = (message = 'Not allowed') => new TidemarkError(403, 'forbidden', message);
export const notFound = (what = 'Resource') => new TidemarkError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string) => new TidemarkError(409, code, message);
