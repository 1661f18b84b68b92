package dev.warden.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.warden.json.JsonLimits;
import dev.warden.limits.Limits;
import dev.warden.log.ParamsMode;
import dev.warden.server.adapter.AdapterConfigException;
import dev.warden.server.adapter.Adapters;
import dev.warden.server.mcp.McpConfig;
import dev.warden.server.operator.ClientCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The server's settings: {@code warden.yaml} in the data directory, then command-line overrides.
 * Unknown settings are errors, so a typo never silently leaves a default in place.
 */
public record ServerConfig(
    String host,
    int port,
    String origin,
    ParamsMode params,
    Path policyFile,
    Limits limits,
    @Nullable Path tlsCert,
    @Nullable Path tlsKey,
    ClientCertificates clientCertificates,
    List<String> hosts,
    Flags flags,
    Adapters adapters,
    McpConfig mcp,
    KeySources keys) {

  /**
   * Command-line switches that loosen a safe default, each only when said explicitly.
   *
   * @param allowPublicBind listen on a non-loopback address (TLS still required)
   * @param behindTlsProxy a TLS-terminating proxy is in front: agents sign https:// URLs
   * @param insecureNoOperatorAuth development only: operator endpoints accept requests without a
   *     token; warned about at every start, logged, and refused on a non-loopback address
   */
  public record Flags(
      boolean allowPublicBind, boolean behindTlsProxy, boolean insecureNoOperatorAuth) {
    public static final Flags NONE = new Flags(false, false, false);
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  private static final Pattern DURATION = Pattern.compile("^(\\d{1,9})(ms|s|m|h|d)$");

  record Tls(
      @JsonProperty("cert") @Nullable String cert,
      @JsonProperty("key") @Nullable String key,
      @JsonProperty("client_ca") @Nullable String clientCa,
      @JsonProperty("client_auth") @Nullable String clientAuth,
      @JsonProperty("clients") @Nullable List<ClientFile> clients) {}

  /** A client certificate that stands for an operator: {@code tls.clients[]}. */
  record ClientFile(
      @JsonProperty("sha256") @Nullable String sha256,
      @JsonProperty("operator") @Nullable String operator,
      @JsonProperty("agent") @Nullable String agent,
      @JsonProperty("scopes") @Nullable List<String> scopes) {}

  record LimitsFile(
      @JsonProperty("max_body_bytes") @Nullable Integer maxBodyBytes,
      @JsonProperty("max_json_depth") @Nullable Integer maxJsonDepth,
      @JsonProperty("max_header_bytes") @Nullable Integer maxHeaderBytes,
      @JsonProperty("max_header_count") @Nullable Integer maxHeaderCount,
      @JsonProperty("clock_skew") @Nullable String clockSkew,
      @JsonProperty("max_signature_age") @Nullable String maxSignatureAge,
      @JsonProperty("idempotency_retention") @Nullable String idempotencyRetention,
      @JsonProperty("refusal_summary_interval") @Nullable String refusalSummaryInterval,
      @JsonProperty("warrant_ttl") @Nullable String warrantTtl) {}

  record File(
      @JsonProperty("listen") @Nullable String listen,
      @JsonProperty("origin") @Nullable String origin,
      @JsonProperty("params") @Nullable String params,
      @JsonProperty("policy") @Nullable String policy,
      @JsonProperty("tls") @Nullable Tls tls,
      @JsonProperty("hosts") @Nullable List<String> hosts,
      @JsonProperty("limits") @Nullable LimitsFile limits,
      @JsonProperty("adapters") @Nullable JsonNode adapters,
      @JsonProperty("secrets") @Nullable JsonNode secrets,
      @JsonProperty("mcp") @Nullable JsonNode mcp,
      @JsonProperty("keys") @Nullable JsonNode keys) {}

  /** Reads {@code warden.yaml}; relative paths in it are relative to the data directory. */
  public static ServerConfig load(DataDir dir) throws IOException {
    File f;
    try {
      f = YAML.readValue(dir.config().toFile(), File.class);
    } catch (IOException e) {
      throw new IOException(dir.config() + ": " + firstLine(e.getMessage()), e);
    }
    if (f == null) {
      f = new File(null, null, null, null, null, null, null, null, null, null, null);
    }
    String listen = f.listen() == null ? "127.0.0.1:" + Defaults.PORT : f.listen();
    HostPort hp = HostPort.parse(listen);
    ParamsMode params;
    try {
      params =
          f.params() == null
              ? ParamsMode.HMAC
              : ParamsMode.valueOf(f.params().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IOException(dir.config() + ": params must be hmac, digest or plain", e);
    }
    Path policy = dir.root().resolve(f.policy() == null ? "policy.yaml" : f.policy());
    Path cert =
        f.tls() == null || f.tls().cert() == null ? null : dir.root().resolve(f.tls().cert());
    Path key = f.tls() == null || f.tls().key() == null ? null : dir.root().resolve(f.tls().key());
    if ((cert == null) != (key == null)) {
      throw new IOException(dir.config() + ": tls needs both cert and key");
    }
    ClientCertificates clients;
    try {
      clients = clientCertificates(f.tls(), dir.root(), cert != null);
    } catch (IllegalArgumentException e) {
      throw new IOException(dir.config() + ": " + e.getMessage(), e);
    }
    Adapters adapters;
    McpConfig mcp;
    KeySources keys;
    try {
      adapters = Adapters.load(f.adapters(), f.secrets());
      mcp = McpConfig.load(f.mcp());
      keys = KeySources.parse(f.keys());
    } catch (AdapterConfigException e) {
      throw new IOException(dir.config() + ": " + e.getMessage(), e);
    }
    return new ServerConfig(
        hp.host(),
        hp.port(),
        f.origin() == null ? "warden.local/log" : f.origin(),
        params,
        policy,
        limits(f.limits()),
        cert,
        key,
        clients,
        f.hosts() == null ? List.of() : List.copyOf(f.hosts()),
        Flags.NONE,
        adapters,
        mcp,
        keys);
  }

  public ServerConfig withListen(String listen) {
    HostPort hp = HostPort.parse(listen);
    return new ServerConfig(
        hp.host(),
        hp.port(),
        origin,
        params,
        policyFile,
        limits,
        tlsCert,
        tlsKey,
        clientCertificates,
        hosts,
        flags,
        adapters,
        mcp,
        keys);
  }

  public ServerConfig withFlags(Flags flags) {
    return new ServerConfig(
        host,
        port,
        origin,
        params,
        policyFile,
        limits,
        tlsCert,
        tlsKey,
        clientCertificates,
        hosts,
        flags,
        adapters,
        mcp,
        keys);
  }

  /** Whether the listen address is a loopback address (then loopback Host names are allowed). */
  public boolean loopback() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public boolean tls() {
    return tlsCert != null;
  }

  /**
   * Refuses a non-loopback address unless {@code --allow-public-bind} was given and connections are
   * protected by TLS, here or at a proxy (SPEC §15).
   */
  public void checkBind() throws IOException {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IOException("cannot resolve listen host " + host, e);
    }
    if (loopback) {
      return;
    }
    if (flags.insecureNoOperatorAuth()) {
      throw new IOException(
          "refusing to listen on "
              + host
              + " with operator authentication disabled: that switch is for a developer's"
              + " loopback only");
    }
    if (!flags.allowPublicBind() || !(tls() || flags.behindTlsProxy())) {
      throw new IOException(
          "refusing to listen on "
              + host
              + ":"
              + port
              + ": a non-loopback address exposes Warden to the network. Pass --allow-public-bind"
              + " and configure TLS (tls.cert and tls.key in warden.yaml), or pass"
              + " --allow-public-bind --behind-tls-proxy if a TLS proxy terminates connections in"
              + " front of Warden.");
    }
    if (hosts.isEmpty()) {
      throw new IOException(
          "refusing to listen on "
              + host
              + " without hosts: list in warden.yaml the names agents use to reach Warden"
              + " (hosts: [\"warden.example.com\"]); a request addressed to any other Host is"
              + " refused, so a request signed for another server cannot be replayed here");
    }
  }

  private static ClientCertificates clientCertificates(
      @Nullable Tls tls, Path root, boolean tlsOn) {
    if (tls == null
        || (tls.clientAuth() == null && tls.clientCa() == null && tls.clients() == null)) {
      return ClientCertificates.NONE;
    }
    if (!tlsOn) {
      throw new IllegalArgumentException(
          "tls.client_ca and tls.client_auth need tls.cert and tls.key");
    }
    if (tls.clientAuth() == null) {
      throw new IllegalArgumentException("tls.client_ca needs tls.client_auth: want or need");
    }
    List<ClientCertificates.OperatorCert> certs = new java.util.ArrayList<>();
    List<ClientCertificates.AgentCert> agents = new java.util.ArrayList<>();
    for (ClientFile c : tls.clients() == null ? List.<ClientFile>of() : tls.clients()) {
      if (c.sha256() != null && c.agent() != null && c.operator() == null && c.scopes() == null) {
        agents.add(new ClientCertificates.AgentCert(c.sha256(), c.agent()));
        continue;
      }
      if (c.sha256() == null || c.operator() == null || c.scopes() == null || c.agent() != null) {
        throw new IllegalArgumentException(
            "each of tls.clients needs sha256 (the certificate's fingerprint) and either operator"
                + " (the subject recorded) with scopes, or agent (the agent it is bound to)");
      }
      certs.add(
          new ClientCertificates.OperatorCert(
              c.sha256(), c.operator(), java.util.Set.copyOf(c.scopes())));
    }
    return ClientCertificates.of(
        ClientCertificates.Mode.parse(tls.clientAuth()),
        tls.clientCa() == null ? null : root.resolve(tls.clientCa()),
        certs,
        agents);
  }

  private static Limits limits(@Nullable LimitsFile l) throws IOException {
    Limits d = Limits.defaults();
    if (l == null) {
      return d;
    }
    JsonLimits j = d.json();
    try {
      JsonLimits json =
          new JsonLimits(
              l.maxBodyBytes() == null ? j.maxBodyBytes() : l.maxBodyBytes(),
              l.maxJsonDepth() == null ? j.maxDepth() : l.maxJsonDepth(),
              j.maxStringLength(),
              j.maxNumberLength(),
              j.maxObjectEntries());
      return new Limits(
          json,
          l.maxHeaderBytes() == null ? d.maxHeaderBytes() : l.maxHeaderBytes(),
          l.maxHeaderCount() == null ? d.maxHeaderCount() : l.maxHeaderCount(),
          duration(l.clockSkew(), d.clockSkew(), "limits.clock_skew"),
          duration(l.maxSignatureAge(), d.maxSignatureAge(), "limits.max_signature_age"),
          duration(
              l.idempotencyRetention(), d.idempotencyRetention(), "limits.idempotency_retention"),
          d.maxIdempotencyKeyLength(),
          duration(
              l.refusalSummaryInterval(),
              d.refusalSummaryInterval(),
              "limits.refusal_summary_interval"),
          d.maxRefusalSources(),
          duration(l.warrantTtl(), d.warrantTtl(), "limits.warrant_ttl"));
    } catch (IllegalArgumentException e) {
      throw new IOException("warden.yaml: " + e.getMessage(), e);
    }
  }

  /** Parses {@code 500ms}, {@code 30s}, {@code 15m}, {@code 24h}, {@code 7d}. */
  public static Duration duration(@Nullable String s, Duration dflt, String setting) {
    if (s == null) {
      return dflt;
    }
    Matcher m = DURATION.matcher(s.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          setting + " must look like 500ms, 30s, 15m, 24h or 7d, was " + s);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static String firstLine(@Nullable String s) {
    return s == null ? "invalid" : s.lines().findFirst().orElse(s);
  }

  /** {@code host:port}, {@code [v6]:port}. */
  record HostPort(String host, int port) {
    static HostPort parse(String s) {
      int colon = s.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("listen address must be HOST:PORT, was " + s);
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("listen port must be a number, was " + s);
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("listen port must be 0..65535, was " + port);
      }
      return new HostPort(host, port);
    }
  }
}
