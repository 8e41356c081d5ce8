/** Why an import cannot be read: the job fails with this reason (the upload route answers it as a 400). */
export class ImportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

export const importError = (code: string, message: string) => new ImportError(code, message);
