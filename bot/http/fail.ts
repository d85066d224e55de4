// Ends a request with an HTTP status and a message the client may see (typed `never`, so TypeScript narrows after it).
import createError from 'http-errors';

export function fail(status: number, message: string): never {
  throw createError(status, message, { expose: true });
}
