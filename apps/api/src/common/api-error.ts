/**
 * Typed errors of the service, with stable codes. The domain never names an
 * HTTP status: problem.filter.ts maps each code to one, in a single
 * exhaustive switch.
 */
export enum ApiErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  RateLimited = 'RATE_LIMITED',
  TenantNotFound = 'TENANT_NOT_FOUND',
  ApiKeyNotFound = 'API_KEY_NOT_FOUND',
  MalformedJson = 'MALFORMED_JSON',
  SessionNotFound = 'SESSION_NOT_FOUND',
  ScenarioNotFound = 'SCENARIO_NOT_FOUND',
  QuizNotFound = 'QUIZ_NOT_FOUND',
  ExerciseNotFound = 'EXERCISE_NOT_FOUND',
  LinkNotFound = 'LINK_NOT_FOUND',
  LtiPlatformNotFound = 'LTI_PLATFORM_NOT_FOUND',
  LtiPlatformExists = 'LTI_PLATFORM_EXISTS',
  LtiSelectionClosed = 'LTI_SELECTION_CLOSED',
  LtiRegistrationNotFound = 'LTI_REGISTRATION_NOT_FOUND',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  HistoryFull = 'HISTORY_FULL',
  SegmentNotInFlight = 'SEGMENT_NOT_IN_FLIGHT',
  NotAScenarioSession = 'NOT_A_SCENARIO_SESSION',
  ScenarioFinished = 'SCENARIO_FINISHED',
  VersionMismatch = 'VERSION_MISMATCH',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UriTooLong = 'URI_TOO_LONG',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  CallRefused = 'CALL_REFUSED',
  SegmentInvalid = 'SEGMENT_INVALID',
  TraceNotEncodable = 'TRACE_NOT_ENCODABLE',
  CaptureUnreadable = 'CAPTURE_UNREADABLE',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  Internal = 'INTERNAL',
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly detail: string,
    /** Extra members of the problem document (RFC 9457 §3.2), e.g. `violations`. */
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}
