package dev.warden.server.http;

import dev.warden.error.ErrorCode;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * Runs around every request the servlet context serves (Javalin's routes and the MCP gateways):
 * sets the security headers before anything is written, and afterwards counts the request's latency
 * and, if it was refused, its error code.
 */
final class SurfaceFilter implements Filter {
  /** The request attribute {@link Problems} sets to the {@link ErrorCode} of a refusal. */
  static final String REFUSAL = "dev.warden.refusal";

  /** The request attribute {@link AgentApi} sets to the body of a new decision. */
  static final String DECISION = "dev.warden.decision";

  /** Sent on every answer: nothing Warden serves is a page, a frame or something to cache. */
  static final Map<String, String> HEADERS =
      Map.of(
          "X-Content-Type-Options", "nosniff",
          "Cache-Control", "no-store",
          "Referrer-Policy", "no-referrer",
          "X-Frame-Options", "DENY",
          "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");

  /** HSTS, when Warden itself serves TLS: one year, subdomains not included (not Warden's). */
  static final String HSTS = "max-age=31536000";

  private final WardenMetrics metrics;
  private final boolean tls;

  SurfaceFilter(WardenMetrics metrics, boolean tls) {
    this.metrics = metrics;
    this.tls = tls;
  }

  static void secure(HttpServletResponse res, boolean tls) {
    HEADERS.forEach(res::setHeader);
    if (tls) {
      res.setHeader("Strict-Transport-Security", HSTS);
    }
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    long start = System.nanoTime();
    HttpServletResponse res = (HttpServletResponse) response;
    secure(res, tls);
    try {
      chain.doFilter(request, response);
    } finally {
      if (request.isAsyncStarted()) {
        request
            .getAsyncContext()
            .addListener(
                new AsyncListener() {
                  @Override
                  public void onComplete(AsyncEvent event) {
                    done(request, res, start);
                  }

                  @Override
                  public void onTimeout(AsyncEvent event) {}

                  @Override
                  public void onError(AsyncEvent event) {}

                  @Override
                  public void onStartAsync(AsyncEvent event) {}
                });
      } else {
        done(request, res, start);
      }
    }
  }

  private void done(ServletRequest request, HttpServletResponse res, long start) {
    metrics.request(res.getStatus(), System.nanoTime() - start);
    if (request.getAttribute(REFUSAL) instanceof ErrorCode code) {
      metrics.refusal(code);
    }
    if (request.getAttribute(DECISION) instanceof byte[] body) {
      metrics.decision(body);
    }
  }
}
