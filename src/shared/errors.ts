/**
 * One error family for the whole app. Services throw these (never HTTP errors);
 * the error handler turns them into a page or JSON. `code` is stable and is also
 * the key of the message in the locale files (`errors.<code>`).
 */
export interface ErrorDetail {
  field?: string;
  /** A locale key or a plain message, already translated where possible. */
  message: string;
  params?: Record<string, unknown>;
  [extra: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly details?: ErrorDetail[],
    readonly params?: Record<string, unknown>,
  ) {
    super(code);
    this.name = new.target.name;
  }
}

/** 400: the request is malformed or a field is invalid. */
export class ValidationError extends AppError {
  constructor(details: ErrorDetail[], code = 'validation_failed') {
    super(code, 400, details);
  }
}

/** 401: not signed in. */
export class UnauthenticatedError extends AppError {
  constructor(code = 'unauthenticated') {
    super(code, 401);
  }
}

/** 403: signed in, but this action is not for you (and the record is visible to you). */
export class ForbiddenError extends AppError {
  constructor(code = 'forbidden') {
    super(code, 403);
  }
}

/** 404: absent, or present but not visible to the caller (never reveal which). */
export class NotFoundError extends AppError {
  constructor(code = 'not_found') {
    super(code, 404);
  }
}

/** 409: the record changed since the caller read it, or a concurrent write got there first. */
export class ConflictError extends AppError {
  constructor(code = 'stale_version', params?: Record<string, unknown>, details?: ErrorDetail[]) {
    super(code, 409, details, params);
  }
}

/** 422: well-formed, but the rules or the workflow do not allow it now. */
export class RuleViolationError extends AppError {
  constructor(code: string, details?: ErrorDetail[], params?: Record<string, unknown>) {
    super(code, 422, details, params);
  }
}

/** 429: too many attempts. */
export class TooManyRequestsError extends AppError {
  constructor(code = 'too_many_requests', params?: Record<string, unknown>) {
    super(code, 429, undefined, params);
  }
}

/** 503: something the app needs (its database) does not answer now; worth retrying after `retryAfterSeconds`. */
export class ServiceUnavailableError extends AppError {
  constructor(
    code: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, 503, undefined, { seconds: retryAfterSeconds });
  }
}
