package dev.warden.server.http;

import dev.warden.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers requests that Jetty refuses before Warden sees them (malformed request line or headers,
 * headers too large) with a problem document too, instead of Jetty's HTML page, and counts them
 * into the refusal summaries.
 */
public final class ProblemErrorHandler extends ErrorHandler {
  private final BiConsumer<ErrorCode, String> count;
  private final WardenMetrics metrics;
  private final boolean tls;

  public ProblemErrorHandler(
      BiConsumer<ErrorCode, String> count, WardenMetrics metrics, boolean tls) {
    this.count = count;
    this.metrics = metrics;
    this.tls = tls;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    Object attr = request.getAttribute(ERROR_STATUS);
    if (attr instanceof Integer s) {
      status = s;
    }
    ErrorCode code =
        switch (status) {
          case 431, 414 -> ErrorCode.REQUEST_HEADERS_TOO_LARGE;
          case 413 -> ErrorCode.REQUEST_TOO_LARGE;
          case 404 -> ErrorCode.REQUEST_NOT_FOUND;
          case 405 -> ErrorCode.REQUEST_METHOD_NOT_ALLOWED;
          case 400 -> ErrorCode.REQUEST_INVALID_HEADER;
          default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.REQUEST_INVALID;
        };
    if (status < 500) {
      count.accept(code, Request.getRemoteAddr(request));
    }
    String detail =
        switch (code) {
          case REQUEST_HEADERS_TOO_LARGE ->
              "the request line or headers are too large (limits.max_header_bytes)";
          case REQUEST_INVALID_HEADER -> "the request line or a header is malformed";
          default -> code.title();
        };
    byte[] body = Problems.bytes(Problems.document(code, detail, Correlation.newId()));
    response.setStatus(code.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
    SurfaceFilter.HEADERS.forEach(response.getHeaders()::put);
    if (tls) {
      response.getHeaders().put("Strict-Transport-Security", SurfaceFilter.HSTS);
    }
    metrics.refusal(code);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
