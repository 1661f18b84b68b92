package dev.warden.error;

/**
 * Every stable error code Warden returns, with its HTTP status. The README's error table is this
 * enum; a test keeps them equal. Codes are part of the API: never rename one.
 */
public enum ErrorCode {
  AUTH_MISSING_SIGNATURE("auth.missing_signature", 401, "Missing signature"),
  AUTH_MALFORMED_SIGNATURE("auth.malformed_signature", 400, "Malformed signature"),
  AUTH_SIGNATURE_EXPIRED("auth.signature_expired", 401, "Signature expired"),
  AUTH_SIGNATURE_NOT_YET_VALID("auth.signature_not_yet_valid", 401, "Signature not yet valid"),
  AUTH_BAD_SIGNATURE("auth.bad_signature", 401, "Bad signature"),
  AUTH_UNKNOWN_KEY("auth.unknown_key", 401, "Unknown agent or key"),
  AUTH_AGENT_SUSPENDED("auth.agent_suspended", 403, "Agent suspended"),
  AUTH_AGENT_REVOKED("auth.agent_revoked", 403, "Agent revoked"),
  AUTH_MISSING_TOKEN("auth.missing_token", 401, "Missing bearer token"),
  AUTH_BAD_TOKEN("auth.bad_token", 401, "Invalid bearer token"),
  AUTH_INSUFFICIENT_SCOPE("auth.insufficient_scope", 403, "Insufficient scope"),
  AUTH_CERTIFICATE_MISMATCH("auth.certificate_mismatch", 403, "Client certificate mismatch"),
  REPLAY_NONCE_REUSED("replay.nonce_reused", 409, "Nonce reused"),
  REQUEST_DIGEST_MISMATCH("request.digest_mismatch", 400, "Content digest mismatch"),
  REQUEST_TOO_LARGE("request.too_large", 413, "Request too large"),
  REQUEST_HEADERS_TOO_LARGE("request.headers_too_large", 431, "Request headers too large"),
  REQUEST_INVALID_HEADER("request.invalid_header", 400, "Invalid header"),
  REQUEST_INVALID("request.invalid", 400, "Invalid request"),
  REQUEST_UNSUPPORTED_MEDIA_TYPE("request.unsupported_media_type", 415, "Unsupported media type"),
  REQUEST_NOT_FOUND("request.not_found", 404, "Not found"),
  REQUEST_METHOD_NOT_ALLOWED("request.method_not_allowed", 405, "Method not allowed"),
  IDEMPOTENCY_KEY_REUSED("idempotency.key_reused", 422, "Idempotency key reused"),
  IDEMPOTENCY_IN_FLIGHT("idempotency.in_flight", 409, "Idempotent request in flight"),
  IDEMPOTENCY_INVALID_KEY("idempotency.invalid_key", 400, "Invalid idempotency key"),
  LIMIT_RATE("limit.rate", 429, "Rate limited"),
  ADMIN_CONFLICT("admin.conflict", 409, "Conflict"),
  ADMIN_NOT_FOUND("admin.not_found", 404, "Not found"),
  APPROVAL_FORBIDDEN("approval.forbidden", 403, "Not an approver of this request"),
  APPROVAL_RESOLVED("approval.resolved", 409, "Approval already resolved"),
  APPROVAL_EXPIRED("approval.expired", 409, "Approval expired"),
  APPROVAL_POLICY_CHANGED("approval.policy_changed", 409, "Policy changed since the request"),
  POLICY_INVALID("policy.invalid", 422, "Invalid policy"),
  POLICY_DENIED("policy.denied", 403, "Denied by policy"),
  ADAPTER_FAILED("adapter.failed", 502, "Adapter failed"),
  MCP_INVALID("mcp.invalid", 400, "Malformed MCP message"),
  MCP_UNKNOWN_TOOL("mcp.unknown_tool", 404, "No such MCP tool"),
  STORE_UNAVAILABLE("store.unavailable", 503, "Store unavailable"),
  SIGNER_UNAVAILABLE("signer.unavailable", 503, "Signer unavailable"),
  INTERNAL_ERROR("internal.error", 500, "Internal error");

  private final String code;
  private final int status;
  private final String title;

  ErrorCode(String code, int status, String title) {
    this.code = code;
    this.status = status;
    this.title = title;
  }

  /** The dotted code, e.g. {@code replay.nonce_reused}. */
  public String code() {
    return code;
  }

  /** The HTTP status that carries it. */
  public int status() {
    return status;
  }

  /** A short human title for the problem document. */
  public String title() {
    return title;
  }
}
