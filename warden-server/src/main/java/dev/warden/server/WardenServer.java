package dev.warden.server;

import dev.warden.approval.Approvals;
import dev.warden.auth.AgentAuthenticator;
import dev.warden.budget.Ledger;
import dev.warden.budget.Settlements;
import dev.warden.crypto.Ed25519Signer;
import dev.warden.crypto.KeyProtection;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.id.Ulid;
import dev.warden.idempotency.IdempotencyGuard;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.PendingEntry;
import dev.warden.log.RefusalSummaries;
import dev.warden.note.LogKeys;
import dev.warden.pipeline.ActionRunner;
import dev.warden.pipeline.ApprovedExecutions;
import dev.warden.pipeline.DecisionPipeline;
import dev.warden.pipeline.ExecutionRecovery;
import dev.warden.pipeline.ExecutionResolutions;
import dev.warden.pipeline.Receipts;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyException;
import dev.warden.policy.PolicyLoader;
import dev.warden.ratelimit.RateLimiter;
import dev.warden.ratelimit.Ticker;
import dev.warden.receipt.Jwk;
import dev.warden.receipt.ReceiptIssuer;
import dev.warden.replay.ReplayGuard;
import dev.warden.server.adapter.AdapterRunner;
import dev.warden.server.http.AdminApi;
import dev.warden.server.http.AgentApi;
import dev.warden.server.http.AllowedHosts;
import dev.warden.server.http.ApprovalApi;
import dev.warden.server.http.ExecutionApi;
import dev.warden.server.http.HealthApi;
import dev.warden.server.http.HttpServerFactory;
import dev.warden.server.http.KeysApi;
import dev.warden.server.http.MetricsApi;
import dev.warden.server.http.PolicyAdminApi;
import dev.warden.server.http.ProofApi;
import dev.warden.server.http.WardenMetrics;
import dev.warden.server.mcp.McpGateways;
import dev.warden.server.mcp.McpUpstreams;
import dev.warden.server.operator.AgentTokens;
import dev.warden.server.operator.CredentialEvents;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Warden: opens the data directory, wires the pipeline, serves HTTP, and shuts down in
 * order (stop accepting, drain the log, close the store).
 */
public final class WardenServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WardenServer.class);

  /**
   * How long a budget reservation waits for its decision to reach the log before housekeeping
   * settles it against the log: far longer than any group commit takes, and than an adapter's
   * longest call (1 m to connect, 5 m to read), whose outcome settles an executed allow.
   */
  private static final java.time.Duration RESERVATION_HOLD = java.time.Duration.ofMinutes(10);

  private static final String INSECURE_WARNING =
      "operator authentication is DISABLED (--insecure-no-operator-auth): anyone who can reach"
          + " this port can register agents and issue tokens. Development only.";

  private final DataDir dataDir;
  private final Store store;
  private final GroupCommitLog commitLog;
  private final Javalin http;
  private final Housekeeping housekeeping;
  private final String url;
  private final McpUpstreams mcpUpstreams;
  private final McpGateways mcp;
  private final WardenMetrics metrics;
  private final DataDir.Keys keys;

  private WardenServer(
      DataDir dataDir,
      Store store,
      GroupCommitLog commitLog,
      Javalin http,
      Housekeeping housekeeping,
      String url,
      McpUpstreams mcpUpstreams,
      McpGateways mcp,
      WardenMetrics metrics,
      DataDir.Keys keys) {
    this.metrics = metrics;
    this.keys = keys;
    this.dataDir = dataDir;
    this.store = store;
    this.commitLog = commitLog;
    this.http = http;
    this.housekeeping = housekeeping;
    this.url = url;
    this.mcpUpstreams = mcpUpstreams;
    this.mcp = mcp;
  }

  /** Thrown when Warden cannot start; the message says what to fix. */
  public static final class StartupException extends Exception {
    public StartupException(String message, Throwable cause) {
      super(message, cause);
    }

    public StartupException(String message) {
      super(message);
    }
  }

  private static final String PLAINTEXT_WARNING =
      "private keys may be PLAINTEXT (--insecure-plaintext-keys): anyone who can read the data"
          + " directory can sign checkpoints and receipts as this Warden. Development only;"
          + " encrypt them with: warden keys encrypt";

  /**
   * Starts Warden on {@code dir}.
   *
   * @param keys how the private keys are unlocked ({@link KeyProtection#fromEnvironment})
   */
  public static WardenServer start(
      DataDir dir, ServerConfig cfg, Clock clock, SecureRandom random, KeyProtection keys)
      throws StartupException {
    return start(dir, cfg, clock, random, keys, CredentialEvents.NONE);
  }

  /**
   * As {@link #start(DataDir, ServerConfig, Clock, SecureRandom, KeyProtection)}, telling events.
   */
  static WardenServer start(
      DataDir dir,
      ServerConfig cfg,
      Clock clock,
      SecureRandom random,
      KeyProtection protection,
      CredentialEvents events)
      throws StartupException {
    dev.warden.server.logging.Redaction.registerEnvironment();
    try {
      cfg.checkBind();
    } catch (IOException e) {
      throw new StartupException(e.getMessage(), e);
    }
    Policy policy = loadPolicy(cfg);
    StartupKeys.Loaded loaded = StartupKeys.load(dir, cfg, protection, clock);
    DataDir.Keys keys = loaded.keys();
    Keyring keyring = loaded.keyring();
    Entries entries = new Entries(keys.params(), cfg.params());
    Store store;
    try {
      store = dir.openStore(clock);
    } catch (StoreException e) {
      keys.close();
      throw new StartupException("cannot open the database: " + e.getMessage(), e);
    }
    GroupCommitLog commitLog = null;
    Housekeeping hk = null;
    Javalin http = null;
    McpUpstreams mcpUpstreams = null;
    McpGateways mcp = null;
    WardenMetrics metrics = new WardenMetrics();
    try {
      LogSigner logSigner = new LogSigner(cfg.origin(), keys.checkpoint());
      LogKeys logKeys = keyring.logKeys(cfg.origin());
      LogStartupCheck.check(
          store.log(),
          logKeys.keys().stream().filter(k -> !logKeys.compromisedSince().containsKey(k)).toList());
      commitLog = GroupCommitLog.start(store.log(), metrics.observing(logSigner));
      GroupCommitLog running = commitLog;
      metrics.logSize(() -> running.head().size());
      ReplayGuard replay = new ReplayGuard(clock);
      replay.warm(store.log().liveNonces(clock.instant()));
      PolicyActivation activePolicy =
          PolicyActivation.start(
              policy, store.policies(), commitLog, entries, clock, cfg.policyFile());
      if (protection.plaintextAllowed()) {
        log.warn(PLAINTEXT_WARNING);
        System.err.println("WARNING: " + PLAINTEXT_WARNING);
        commitLog.append(
            PendingEntry.of(
                entries.admin(
                    clock.instant(),
                    "warden",
                    "server.plaintext_keys_allowed",
                    "server",
                    java.util.Map.of())));
      }
      if (cfg.flags().insecureNoOperatorAuth()) {
        log.warn(INSECURE_WARNING);
        System.err.println("WARNING: " + INSECURE_WARNING);
        commitLog.append(
            PendingEntry.of(
                entries.admin(
                    clock.instant(),
                    "warden",
                    "server.operator_auth_disabled",
                    "server",
                    java.util.Map.of())));
      }

      var limits = cfg.limits();
      RefusalSummaries summaries = new RefusalSummaries(clock, limits.maxRefusalSources());
      Ed25519Signer receiptKey = keys.receipt();
      String kid = Jwk.thumbprint(receiptKey.publicKey());
      ReceiptIssuer issuer = new ReceiptIssuer(receiptKey, kid, cfg.origin());
      Receipts receipts = new Receipts(store.log(), issuer);
      KeyManager keyManager =
          new KeyManager(
              dir,
              cfg.origin(),
              protection,
              cfg.keys(),
              keyring,
              logSigner,
              issuer,
              entries,
              commitLog,
              clock,
              random);
      Ledger ledger = new Ledger(store.usage(), clock, RESERVATION_HOLD);
      Settlements settlements = new Settlements(ledger);
      RateLimiter rateLimiter = new RateLimiter(Ticker.system());
      mcpUpstreams =
          McpUpstreams.start(cfg.mcp(), AdapterRunner.of(cfg.adapters()), store.handoffs(), clock);
      ActionRunner runner = mcpUpstreams.runner();
      Approvals approvals =
          new Approvals(
              store.approvals(),
              commitLog,
              entries,
              activePolicy,
              ledger,
              settlements,
              clock,
              new ApprovedExecutions(
                  mcpUpstreams.approvedRunner(),
                  store.executions(),
                  store.log(),
                  entries,
                  commitLog,
                  ledger,
                  settlements,
                  clock));
      approvals.expireDue(clock.instant());
      store.replicas().heartbeat();
      log.info("replica id {}", store.replicas().self());
      int unknown =
          ExecutionRecovery.recover(store.executions(), store.log(), entries, commitLog, clock);
      if (unknown > 0) {
        log.warn(
            "{} action(s) were running when their Warden stopped; recorded as outcome_unknown (never"
                + " re-run): GET /v1/executions?state=outcome_unknown lists them",
            unknown);
      }
      DecisionPipeline pipeline =
          new DecisionPipeline(
              clock,
              new Ulid(clock, random),
              limits,
              new AgentAuthenticator(store.agents(), limits),
              replay,
              new IdempotencyGuard(store.log(), limits.maxIdempotencyKeyLength()),
              activePolicy,
              entries,
              commitLog,
              store.log(),
              summaries,
              receipts,
              ledger,
              settlements,
              rateLimiter,
              approvals,
              runner,
              store.executions());
      OperatorTokens operators =
          new OperatorTokens(
              store.tokens(),
              clock,
              cfg.flags().insecureNoOperatorAuth(),
              () -> activePolicy.get().rateLimits(),
              rateLimiter,
              cfg.clientCertificates());
      AllowedHosts allowedHosts = new AllowedHosts(cfg.hosts(), cfg.loopback());
      mcp =
          McpGateways.serve(
              cfg.mcp(),
              mcpUpstreams,
              new McpGateways.Wiring(
                  pipeline,
                  approvals,
                  activePolicy,
                  new AgentTokens(store.tokens(), store.agents(), clock),
                  allowedHosts,
                  limits,
                  clock));
      HttpServerFactory.Apis apis =
          new HttpServerFactory.Apis(
              new AgentApi(
                  pipeline,
                  new dev.warden.server.http.RequestReader(
                      limits, cfg.tls() || cfg.flags().behindTlsProxy(), allowedHosts),
                  cfg.clientCertificates()),
              new AdminApi(
                  store,
                  operators,
                  entries,
                  commitLog,
                  clock,
                  random,
                  CredentialEvents.all(mcp.events(), events)),
              new PolicyAdminApi(activePolicy, operators, store),
              new ApprovalApi(approvals, operators),
              new HealthApi(
                  store,
                  commitLog,
                  clock,
                  dir.root(),
                  () -> {
                    logSigner.probe();
                    issuer.probe();
                  }),
              new dev.warden.server.http.LogApi(store.log(), keyManager::logKeys),
              new ProofApi(store.log(), receipts, keyManager::jwks),
              new ExecutionApi(
                  store.executions(),
                  new ExecutionResolutions(
                      store.executions(),
                      store.log(),
                      entries,
                      commitLog,
                      ledger,
                      settlements,
                      clock),
                  operators),
              new KeysApi(keyManager, operators),
              new MetricsApi(metrics, operators));
      http =
          HttpServerFactory.create(
              cfg, apis, pipeline::countUnauthenticated, metrics, mcp.any() ? mcp.servlet() : null);
      http.start();

      hk =
          Housekeeping.start(
              store,
              clock,
              entries,
              commitLog,
              summaries,
              limits.refusalSummaryInterval(),
              ledger,
              settlements,
              approvals,
              activePolicy);

      String host =
          cfg.host().equals("0.0.0.0") || cfg.host().equals("::") ? "127.0.0.1" : cfg.host();
      String url =
          (cfg.tls() ? "https" : "http")
              + "://"
              + (host.contains(":") ? "[" + host + "]" : host)
              + ":"
              + http.port();
      WardenServer server =
          new WardenServer(dir, store, commitLog, http, hk, url, mcpUpstreams, mcp, metrics, keys);
      Files.writeString(dir.serverAddress(), server.url() + "\n");
      log.info("warden listening on {} (log size {})", server.url(), commitLog.head().size());
      return server;
    } catch (StartupException
        | StoreException
        | RequestRejected
        | IOException
        | RuntimeException e) {
      // Undo what was started, in reverse order; nothing may keep the port or the database.
      if (http != null) {
        http.stop();
      }
      if (hk != null) {
        hk.close();
      }
      if (mcp != null) {
        mcp.close();
      }
      if (mcpUpstreams != null) {
        mcpUpstreams.close();
      }
      if (commitLog != null) {
        commitLog.close();
      }
      store.close();
      metrics.close();
      keys.close();
      if (e instanceof StartupException se) {
        throw se;
      }
      if (e instanceof RequestRejected r && r.code() == ErrorCode.STORE_UNAVAILABLE) {
        throw new StartupException("the log cannot be written: " + r.detail(), e);
      }
      throw new StartupException("cannot start: " + e.getMessage(), e);
    }
  }

  private static Policy loadPolicy(ServerConfig cfg) throws StartupException {
    try {
      return PolicyLoader.load(Files.readString(cfg.policyFile()));
    } catch (IOException e) {
      throw new StartupException(
          "cannot read the policy " + cfg.policyFile() + ": " + e.getMessage(), e);
    } catch (PolicyException e) {
      throw new StartupException(
          "the policy " + cfg.policyFile() + " is invalid: " + e.getMessage(), e);
    }
  }

  public int port() {
    return http.port();
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:8421}. */
  public String url() {
    return url;
  }

  public DataDir dataDir() {
    return dataDir;
  }

  /** The open store, for in-process tests and tools. */
  Store store() {
    return store;
  }

  /** The running log, for in-process tests that append what only a crash would leave. */
  GroupCommitLog commitLog() {
    return commitLog;
  }

  /** Stops accepting requests, writes what is queued to the log, and closes the store. */
  @Override
  public void close() {
    http.stop();
    mcp.close();
    mcpUpstreams.close(); // stops the command servers
    housekeeping.close();
    commitLog.close();
    store.close();
    metrics.close();
    keys.close(); // after the log: its last batch is signed
    try {
      Files.deleteIfExists(dataDir.serverAddress());
    } catch (IOException e) {
      log.warn("could not remove {}: {}", dataDir.serverAddress(), e.getMessage());
    }
  }
}
