import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { TidemarkError, describeZodError } from '@tidemark/core';
import { engineInputError } from '../store';

// Validation lives in core, so the collector thread raises the same errors as the routes.
export { parseInput, describeZodError } from '@tidemark/core';

const fastifyCodeMap: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'validation_error',
};

/** Every error leaves as {"success":false,"error":{code,message}}; only genuine faults are 5xx. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof TidemarkError) {
      if (err.status === 503) reply.header('Retry-After', '1');
      // Rate limits say when to come back (details.retry_after, seconds).
      const retryAfter = (err.details as { retry_after?: unknown } | undefined)?.retry_after;
      if (err.status === 429 && typeof retryAfter === 'number') reply.header('Retry-After', String(retryAfter));
      return reply.status(err.status).send(err.toBody());
    }
    if (err instanceof ZodError) {
      return reply.status(400).send({ success: false, error: { code: 'validation_error', message: describeZodError(err) } });
    }
    // An engine refusing a value it was given (a pattern, a date, a number) is the request's fault,
    // whatever check let it through. Its message may quote stored values: never sent, logged redacted.
    const refused = engineInputError(err);
    if (refused) {
      req.log.warn({ err, engine: refused.engine, engine_error: refused.kind }, 'query input refused by the engine');
      return reply.status(400).send({
        success: false,
        error: {
          code: 'invalid_query_input',
          message: 'The query names a value the engine cannot evaluate (e.g. a pattern, date or number out of its range)',
        },
      });
    }
    const fe = err as FastifyError;
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = (fe.code && fastifyCodeMap[fe.code]) || (err instanceof SyntaxError ? 'invalid_json' : 'bad_request');
      return reply.status(status).send({ success: false, error: { code, message: err.message } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ success: false, error: { code: 'internal_error', message: 'Internal server error' } });
  });
}
