package dev.warden.server.http;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.server.ServerConfig;
import dev.warden.store.StoreException;
import io.javalin.Javalin;
import java.util.function.BiConsumer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the HTTP server: Jetty with virtual threads, the routes, the limits Jetty enforces (header
 * size, idle and read timeouts, connection count), TLS when configured, and problem documents for
 * every error, Jetty's own included.
 */
public final class HttpServerFactory {
  private static final Logger log = LoggerFactory.getLogger(HttpServerFactory.class);

  /** A connection that neither sends nor accepts a byte for this long is closed. */
  static final int IDLE_TIMEOUT_MS = 30_000;

  static final int MAX_CONNECTIONS = 4_096;

  /** Warden's answers carry a few small headers; anything larger is a bug, not a need. */
  static final int MAX_RESPONSE_HEADER_BYTES = 16 * 1024;

  private HttpServerFactory() {}

  /** The endpoint groups the routes dispatch to. */
  public record Apis(
      AgentApi agent,
      AdminApi admin,
      PolicyAdminApi policy,
      ApprovalApi approvals,
      HealthApi health,
      LogApi log,
      ProofApi proofs,
      ExecutionApi executions,
      KeysApi keys,
      MetricsApi metrics) {}

  /**
   * Makes SIGHUP reload the TLS files of the servers in this process ({@link TlsReloader}).
   *
   * @return whether the signal handler could be installed
   */
  public static boolean installSighup() {
    return TlsReloader.installSighup();
  }

  /** The connector's HTTP settings: header sizes, idle timeout, no banners. */
  static HttpConfiguration httpConfiguration(HttpConfiguration base, ServerConfig cfg) {
    HttpConfiguration hc = new HttpConfiguration(base);
    hc.setRequestHeaderSize(cfg.limits().maxHeaderBytes());
    hc.setResponseHeaderSize(MAX_RESPONSE_HEADER_BYTES);
    hc.setSendServerVersion(false);
    hc.setSendXPoweredBy(false);
    hc.setSendDateHeader(true);
    hc.setIdleTimeout(IDLE_TIMEOUT_MS);
    // No minimum data rates: Jetty measures them from the request's start, so a small body read
    // late by a busy server "arrives" below any useful rate and the request fails (408). The idle
    // timeout bounds every stalled read and write instead.
    return hc;
  }

  /**
   * @param mcp the MCP gateways' servlet, mounted at {@code /mcp/*}; null without gateways
   */
  public static Javalin create(
      ServerConfig cfg,
      Apis apis,
      BiConsumer<ErrorCode, String> countRefusal,
      WardenMetrics metrics,
      jakarta.servlet.http.@Nullable HttpServlet mcp) {
    return Javalin.create(
        c -> {
          c.jetty.modifyServletContextHandler(
              h ->
                  h.addFilter(
                      new org.eclipse.jetty.ee10.servlet.FilterHolder(
                          new SurfaceFilter(metrics, cfg.tls())),
                      "/*",
                      java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
          if (mcp != null) {
            c.jetty.modifyServletContextHandler(
                h -> {
                  var holder = new org.eclipse.jetty.ee10.servlet.ServletHolder("mcp", mcp);
                  holder.setAsyncSupported(true);
                  h.addServlet(holder, "/mcp/*");
                });
          }
          c.startup.showJavalinBanner = false;
          c.startup.showOldJavalinVersionWarning = false;
          c.concurrency.useVirtualThreads = true;
          c.http.prefer405over404 = true;
          c.http.maxRequestSize = cfg.limits().json().maxBodyBytes();
          c.router.ignoreTrailingSlashes = false;
          c.jetty.modifyServer(
              server -> {
                server.setErrorHandler(new ProblemErrorHandler(countRefusal, metrics, cfg.tls()));
                server.addBean(
                    new org.eclipse.jetty.server.ConnectionLimit(MAX_CONNECTIONS, server));
              });
          c.jetty.addConnector(
              (server, httpConfig) -> {
                HttpConfiguration hc = httpConfiguration(httpConfig, cfg);
                ServerConnector connector;
                if (cfg.tls()) {
                  hc.addCustomizer(new SecureRequestCustomizer());
                  var tls = Tls.contextFactory(cfg);
                  // Started and stopped with the server; swaps certificates for new handshakes.
                  server.addBean(new TlsReloader(cfg, tls, TlsReloader.POLL));
                  connector =
                      new ServerConnector(
                          server,
                          new SslConnectionFactory(tls, "http/1.1"),
                          new HttpConnectionFactory(hc));
                } else {
                  connector = new ServerConnector(server, new HttpConnectionFactory(hc));
                }
                connector.setHost(cfg.host());
                connector.setPort(cfg.port());
                connector.setIdleTimeout(IDLE_TIMEOUT_MS);
                return connector;
              });

          c.routes.before(Correlation::assign);
          c.routes.get("/healthz", apis.health()::healthz);
          c.routes.get("/readyz", apis.health()::readyz);
          c.routes.get("/metrics", apis.metrics()::scrape);

          c.routes.get("/v1/log/checkpoint", apis.log()::checkpoint);
          c.routes.get("/v1/log/entries", apis.log()::entries);
          c.routes.get("/.well-known/warden/log-key", apis.log()::logKey);
          c.routes.get("/v1/log/proof/inclusion", apis.proofs()::inclusion);
          c.routes.get("/v1/log/proof/consistency", apis.proofs()::consistency);
          c.routes.get("/v1/decisions/{id}/receipt", apis.proofs()::receipt);
          c.routes.get("/.well-known/warden/jwks.json", apis.proofs()::jwks);

          c.routes.post("/v1/decisions", apis.agent()::decide);
          c.routes.get("/v1/decisions/{id}", apis.agent()::get);
          c.routes.post("/v1/actions", apis.agent()::act);
          c.routes.get("/v1/executions", apis.executions()::list);
          c.routes.post("/v1/executions/{id}/resolve", apis.executions()::resolve);

          c.routes.post("/v1/admin/agents", apis.admin()::createAgent);
          c.routes.get("/v1/admin/agents", apis.admin()::listAgents);
          c.routes.get("/v1/admin/agents/{id}", apis.admin()::getAgent);
          c.routes.patch("/v1/admin/agents/{id}", apis.admin()::patchAgent);
          c.routes.post("/v1/admin/tokens", apis.admin()::createToken);
          c.routes.get("/v1/admin/tokens", apis.admin()::listTokens);
          c.routes.delete("/v1/admin/tokens/{id}", apis.admin()::revokeToken);
          c.routes.get("/v1/admin/keys", apis.keys()::list);
          c.routes.post("/v1/admin/keys/rotate", apis.keys()::rotate);
          c.routes.post("/v1/admin/keys/revoke", apis.keys()::revoke);
          c.routes.get("/v1/admin/policy", apis.policy()::get);
          c.routes.put("/v1/admin/policy", apis.policy()::put);
          c.routes.get("/v1/admin/decisions/{id}", apis.policy()::decision);
          c.routes.get("/v1/approvals", apis.approvals()::list);
          c.routes.get("/v1/approvals/{id}", apis.approvals()::get);
          c.routes.post("/v1/approvals/{id}/approve", apis.approvals()::approve);
          c.routes.post("/v1/approvals/{id}/reject", apis.approvals()::reject);
          c.routes.post("/v1/approvals/{id}/reevaluate", apis.approvals()::reevaluate);

          c.routes.exception(RequestRejected.class, (e, ctx) -> Problems.write(ctx, e));
          // Javalin's own refusals (e.g. a body over http.maxRequestSize on operator
          // endpoints) become problem documents too.
          c.routes.exception(
              io.javalin.http.HttpResponseException.class,
              (e, ctx) ->
                  Problems.write(
                      ctx, fromJavalin(e.getStatus(), ctx.method() + " " + ctx.path(), cfg)));
          c.routes.exception(
              StoreException.class,
              (e, ctx) -> {
                log.error("store error [{}]: {}", Correlation.of(ctx), e.getMessage());
                Problems.write(
                    ctx,
                    new RequestRejected(
                        ErrorCode.STORE_UNAVAILABLE,
                        "the store is unavailable; nothing was changed"));
              });
          c.routes.exception(
              dev.warden.crypto.Ed25519Signer.Unavailable.class,
              (e, ctx) -> {
                // A receipt key that cannot sign: fail closed, never sign with another key.
                log.error("signer unavailable [{}]: {}", Correlation.of(ctx), e.getMessage());
                Problems.write(
                    ctx,
                    new RequestRejected(
                        ErrorCode.SIGNER_UNAVAILABLE,
                        "a signing key cannot be used; no receipt was issued"));
              });
          c.routes.exception(
              Exception.class,
              (e, ctx) -> {
                log.error("internal error [{}]", Correlation.of(ctx), e);
                Problems.write(
                    ctx,
                    new RequestRejected(
                        ErrorCode.INTERNAL_ERROR,
                        "internal error; quote correlation id "
                            + Correlation.of(ctx)
                            + " to the operator"));
              });
          c.routes.error(
              404,
              ctx -> {
                // Our own 404s (no such decision) are problems already; Javalin's are not.
                String ct = ctx.res().getContentType();
                if (ct == null || !ct.startsWith(Problems.CONTENT_TYPE)) {
                  Problems.write(
                      ctx,
                      new RequestRejected(
                          ErrorCode.REQUEST_NOT_FOUND,
                          "no such endpoint: " + ctx.method() + " " + ctx.path()));
                }
              });
          c.routes.error(
              405,
              ctx ->
                  Problems.write(
                      ctx,
                      new RequestRejected(
                          ErrorCode.REQUEST_METHOD_NOT_ALLOWED,
                          ctx.method() + " is not allowed on " + ctx.path())));
        });
  }

  /** Javalin's own refusals (405, a body over its size limit, …) as Warden's stable codes. */
  private static RequestRejected fromJavalin(int status, String request, ServerConfig cfg) {
    return switch (status) {
      case 404 -> new RequestRejected(ErrorCode.REQUEST_NOT_FOUND, "no such endpoint: " + request);
      case 405 ->
          new RequestRejected(ErrorCode.REQUEST_METHOD_NOT_ALLOWED, "not allowed: " + request);
      case 413 ->
          new RequestRejected(
              ErrorCode.REQUEST_TOO_LARGE,
              "the body is larger than "
                  + cfg.limits().json().maxBodyBytes()
                  + " bytes (limits.max_body_bytes)");
      case 415 ->
          new RequestRejected(ErrorCode.REQUEST_UNSUPPORTED_MEDIA_TYPE, "unsupported media type");
      default -> new RequestRejected(ErrorCode.REQUEST_INVALID, "the request was refused");
    };
  }
}
