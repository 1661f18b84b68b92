package dev.warden.pipeline;

import dev.warden.auth.AgentStatusCheck;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.httpsig.ContentDigest;
import dev.warden.httpsig.SignatureException;
import dev.warden.store.AgentRecord;

/** The checks of an authenticated request before its body is read: status, media type, digest. */
final class RequestChecks {
  private RequestChecks() {}

  /** The kill switch: a suspended or revoked agent is refused on its next request. */
  static void requireActive(AgentRecord agent) throws RequestRejected {
    AgentStatusCheck.requireActive(agent);
  }

  /** The body is an action request only as {@code application/json}. */
  static void requireJson(IncomingRequest req) throws RequestRejected {
    String ct = req.header("content-type");
    String type = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (!type.equals("application/json")) {
      throw new RequestRejected(
          ErrorCode.REQUEST_UNSUPPORTED_MEDIA_TYPE,
          "send the action request as Content-Type: application/json");
    }
  }

  /** A body must match its {@code Content-Digest} (RFC 9530), which the signature covers. */
  static void verifyDigest(IncomingRequest req) throws RequestRejected {
    if (req.body().length == 0) {
      return;
    }
    try {
      ContentDigest.verify(req.headerValues("content-digest"), req.body());
    } catch (SignatureException e) {
      throw new RequestRejected(ErrorCode.REQUEST_DIGEST_MISMATCH, e.getMessage());
    }
  }
}
