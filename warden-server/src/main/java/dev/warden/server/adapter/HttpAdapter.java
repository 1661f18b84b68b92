package dev.warden.server.adapter;

import dev.warden.crypto.Digests;
import dev.warden.server.adapter.Outcome.Reason;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes an allowed action as one HTTP/1.1 request to the upstream of an {@code http} adapter.
 *
 * <p>How the destination is pinned: the adapter resolves the configured host itself, refuses the
 * request if <em>any</em> address is one {@link SsrfGuard} forbids, and opens a socket to a checked
 * address; for {@code https} it then runs TLS over that socket with the configured host name for
 * SNI and certificate verification. The request is written and the response parsed here (a small,
 * strict HTTP/1.1 subset: one request per connection, {@code Connection: close}) because the JDK's
 * HTTP clients resolve the host themselves — which would let a second DNS answer differ from the
 * checked one (DNS rebinding) — and connecting them to an IP instead would break the {@code Host}
 * header, SNI and certificate checks. No proxy is used, no cookie is kept, no connection is reused.
 *
 * <p>Guarantees: secret values go only into the request's headers; nothing returned or logged
 * contains one (a failure detail is also scrubbed of them). No redirect is followed: any 3xx is
 * {@link Reason#REDIRECT_REFUSED} — simpler and safer than following redirects on the same host.
 * Once the host has resolved, the call returns within about (addresses + 1) × connect timeout
 * (connections, then the TLS handshake) + read timeout. Not guaranteed: a bound on DNS resolution
 * time (the JDK resolver's own), and that the upstream does not echo a credential into its response
 * body, which is returned as received.
 *
 * <p>Thread-safe; holds no connections between calls.
 */
public final class HttpAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(HttpAdapter.class);

  private final HttpAdapterConfig config;
  private final HostResolver resolver;
  private final SSLSocketFactory tls;
  private final List<String> secretValues;

  private HttpAdapter(HttpAdapterConfig config, HostResolver resolver, SSLContext tls) {
    this.config = Objects.requireNonNull(config, "config");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.tls = tls.getSocketFactory();
    List<String> values = new ArrayList<>();
    for (HttpAdapterConfig.Header h : config.headers()) {
      for (Secret s : h.value().secrets()) {
        values.add(s.reveal());
      }
    }
    this.secretValues = List.copyOf(values);
  }

  /** An adapter using the system resolver and the JDK's default trust store. */
  public static HttpAdapter create(HttpAdapterConfig config) {
    try {
      return new HttpAdapter(config, HostResolver.system(), SSLContext.getDefault());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  /**
   * An adapter with its own resolver and TLS trust (for tests, and upstreams with a private CA).
   */
  static HttpAdapter create(HttpAdapterConfig config, HostResolver resolver, SSLContext tls) {
    return new HttpAdapter(config, resolver, tls);
  }

  /** The configuration this adapter executes. */
  public HttpAdapterConfig config() {
    return config;
  }

  /**
   * Makes the request for {@code ctx} and reads the response. Never throws for anything the
   * upstream, the network or the request's values do: those are {@link Outcome.Failed}.
   */
  public Outcome execute(ActionContext ctx) {
    long start = System.nanoTime();
    Outcome outcome;
    try {
      outcome = exchange(ctx, start);
    } catch (AdapterFailure f) {
      outcome = new Outcome.Failed(f.reason(), redact(f.getMessage()), millisSince(start));
    }
    log(ctx, outcome);
    return outcome;
  }

  private Outcome.Completed exchange(ActionContext ctx, long start) throws AdapterFailure {
    byte[] request = RequestRenderer.render(config, ctx);
    String host = config.url().hostToResolve();
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new AdapterFailure(Reason.CONNECT_FAILED, host + " does not resolve", e);
    }
    if (addresses.isEmpty()) {
      throw new AdapterFailure(Reason.CONNECT_FAILED, host + " resolves to no address");
    }
    SsrfGuard.check(host, addresses, config.allowPrivate());
    try (Connection c = Connection.open(addresses, config.url(), config.timeouts().connect(), tls);
        Deadline deadline = Deadline.arm(c.raw(), config.timeouts().read())) {
      try {
        // Per-read timeout too, so a stalled read fails with a clear exception; the deadline
        // bounds the whole exchange, writes included.
        c.raw().setSoTimeout(Math.toIntExact(config.timeouts().read().toMillis()));
        OutputStream out = c.io().getOutputStream();
        out.write(request);
        out.flush();
        ResponseReader.Response r =
            new ResponseReader(
                    new BufferedInputStream(c.io().getInputStream()), config.maxResponseBytes())
                .read();
        byte[] body = r.body();
        return new Outcome.Completed(
            r.status(), millisSince(start), Digests.sha256Prefixed(body), body.length, body);
      } catch (SocketTimeoutException e) {
        throw timeout(e);
      } catch (IOException e) {
        if (deadline.expired()) {
          throw timeout(e);
        }
        throw new AdapterFailure(
            Reason.IO_ERROR,
            "the exchange with " + config.url().hostHeader() + " failed: " + e.getMessage(),
            e);
      }
    }
  }

  private AdapterFailure timeout(IOException e) {
    return new AdapterFailure(
        Reason.TIMEOUT,
        "no complete response from "
            + config.url().hostHeader()
            + " within the read timeout of "
            + config.timeouts().read().toMillis()
            + " ms",
        e);
  }

  private String redact(String detail) {
    String out = detail;
    for (String v : secretValues) {
      out = out.replace(v, "[redacted]");
    }
    return out;
  }

  private void log(ActionContext ctx, Outcome outcome) {
    switch (outcome) {
      case Outcome.Completed c ->
          LOG.debug(
              "adapter {} decision {}: {} {} answered {} with {} bytes in {} ms",
              config.id(),
              ctx.decisionId(),
              config.method(),
              config.url().hostHeader(),
              c.status(),
              c.responseBytes(),
              c.durationMillis());
      case Outcome.Failed f ->
          LOG.warn(
              "adapter {} decision {}: {} {} failed after {} ms: {} ({})",
              config.id(),
              ctx.decisionId(),
              config.method(),
              config.url().hostHeader(),
              f.durationMillis(),
              f.reason(),
              f.detail());
    }
  }

  private static long millisSince(long startNanos) {
    return Math.max(0, (System.nanoTime() - startNanos) / 1_000_000);
  }
}
