/** Error bodies in the shape each real service uses. */

export type ErrorFamily = 'arm' | 'graph' | 'dataverse' | 'aad';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** BAP / PowerApps / Flow / DLP: `{"error":{"code","message"}}`. */
export function armError(status: number, code: string, message: string, headers?: Record<string, string>): HttpError {
  return new HttpError(status, code, message, headers);
}

export function errorBody(family: ErrorFamily, code: string, message: string, requestId: string, now: Date): unknown {
  switch (family) {
    case 'aad':
      return {
        error: code,
        error_description: message,
        error_codes: [],
        timestamp: now.toISOString(),
        trace_id: requestId,
      };
    case 'graph':
      return {
        error: {
          code,
          message,
          innerError: {
            date: now.toISOString().replace(/\.\d{3}Z$/, ''),
            'request-id': requestId,
            'client-request-id': requestId,
          },
        },
      };
    default:
      return { error: { code, message } };
  }
}

/** Generic code for a status, used by injected faults and unexpected errors. */
export function defaultCodeFor(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 412:
      return 'PreconditionFailed';
    case 429:
      return 'TooManyRequests';
    case 503:
      return 'ServiceUnavailable';
    default:
      return status >= 500 ? 'InternalServerError' : 'Error';
  }
}
