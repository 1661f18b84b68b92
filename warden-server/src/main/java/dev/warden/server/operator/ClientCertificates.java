package dev.warden.server.operator;

import dev.warden.crypto.Digests;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Client certificates (mTLS, SPEC §15): the CA bundle they must chain to, whether one is asked for
 * ({@code want}) or required ({@code need}), and which certificate stands for which operator.
 *
 * <p>A certificate is mapped by the SHA-256 fingerprint of its DER encoding, not by its subject:
 * any CA in the bundle can issue another certificate with the same subject or SAN, but not one with
 * the same fingerprint, so a mapping names exactly one key pair. Renewing a certificate means
 * updating its mapping (the old one stops working), which is the point.
 *
 * @param mode whether the TLS handshake asks for a client certificate
 * @param ca the PEM bundle of CAs client certificates must chain to; null when mode is NONE
 * @param operators mapped operator certificates by lowercase hex fingerprint
 * @param agents agent ids by the lowercase hex fingerprint of the certificate bound to them
 */
public record ClientCertificates(
    Mode mode, @Nullable Path ca, Map<String, OperatorCert> operators, Map<String, String> agents) {
  private static final Pattern FINGERPRINT = Pattern.compile("^[0-9a-f]{64}$");

  /** No client certificates. */
  public static final ClientCertificates NONE =
      new ClientCertificates(Mode.NONE, null, Map.of(), Map.of());

  /** Whether the TLS handshake asks for a client certificate. */
  public enum Mode {
    /** Not asked for. */
    NONE,
    /** Asked for; a connection without one is accepted (and may use bearer tokens). */
    WANT,
    /** Required: a handshake without a certificate chaining to the CA bundle fails. */
    NEED;

    public static Mode parse(String s) {
      return switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "want" -> WANT;
        case "need" -> NEED;
        default ->
            throw new IllegalArgumentException("tls.client_auth must be want or need, was " + s);
      };
    }
  }

  /**
   * An operator a client certificate stands for.
   *
   * @param fingerprint lowercase hex SHA-256 of the certificate's DER encoding
   * @param subject recorded as the operator on what the certificate's holder does
   * @param scopes what the certificate may do, from {@link OperatorTokens#SCOPES}
   */
  public record OperatorCert(String fingerprint, String subject, Set<String> scopes) {
    public OperatorCert {
      fingerprint = normalize(fingerprint);
      if (subject.isBlank()) {
        throw new IllegalArgumentException("tls.clients: operator must not be empty");
      }
      scopes = Set.copyOf(scopes);
      if (scopes.isEmpty()) {
        throw new IllegalArgumentException(
            "tls.clients: the certificate of " + subject + " needs scopes");
      }
      for (String s : scopes) {
        if (!OperatorTokens.SCOPES.contains(s)) {
          throw new IllegalArgumentException(
              "tls.clients: unknown scope " + s + "; scopes are " + OperatorTokens.SCOPES);
        }
      }
    }
  }

  public ClientCertificates {
    if (mode != Mode.NONE && ca == null) {
      throw new IllegalArgumentException(
          "tls.client_auth needs tls.client_ca, the PEM bundle of CAs client certificates chain"
              + " to");
    }
    if (mode == Mode.NONE && !(operators.isEmpty() && agents.isEmpty())) {
      throw new IllegalArgumentException("tls.clients needs tls.client_auth (want or need)");
    }
    operators = Map.copyOf(operators);
    agents = Map.copyOf(agents);
  }

  /** An agent bound to a certificate. */
  public record AgentCert(String fingerprint, String agent) {
    public AgentCert {
      fingerprint = normalize(fingerprint);
      if (agent.isBlank()) {
        throw new IllegalArgumentException("tls.clients: agent must not be empty");
      }
    }
  }

  /** Builds the mapping, refusing a fingerprint listed twice. */
  public static ClientCertificates of(
      Mode mode, @Nullable Path ca, List<OperatorCert> operators, List<AgentCert> agents) {
    Map<String, OperatorCert> byFp = new LinkedHashMap<>();
    Map<String, String> agentByFp = new LinkedHashMap<>();
    for (OperatorCert c : operators) {
      if (byFp.put(c.fingerprint(), c) != null) {
        throw twice(c.fingerprint());
      }
    }
    for (AgentCert a : agents) {
      if (byFp.containsKey(a.fingerprint()) || agentByFp.put(a.fingerprint(), a.agent()) != null) {
        throw twice(a.fingerprint());
      }
    }
    return new ClientCertificates(mode, ca, byFp, agentByFp);
  }

  private static IllegalArgumentException twice(String fp) {
    return new IllegalArgumentException("tls.clients: the fingerprint " + fp + " is listed twice");
  }

  /**
   * Checks that a signed request of {@code agent} may come over a connection with {@code leaf}: an
   * agent bound to certificates needs one of them, and a certificate bound to an agent carries only
   * that agent.
   *
   * @return null if it may, else what is wrong (for the problem's detail)
   */
  public @Nullable String agentMismatch(String agent, @Nullable X509Certificate leaf) {
    if (agents.isEmpty()) {
      return null;
    }
    String bound = leaf == null ? null : agents.get(fingerprint(leaf));
    if (bound != null) {
      return bound.equals(agent)
          ? null
          : "this connection's client certificate is bound to another agent (tls.clients)";
    }
    return agents.containsValue(agent)
        ? "agent "
            + agent
            + " is bound to a client certificate (tls.clients): connect with that certificate"
        : null;
  }

  /** The operator {@code leaf} stands for, if it is mapped. */
  public Optional<OperatorCert> operator(X509Certificate leaf) {
    return Optional.ofNullable(operators.get(fingerprint(leaf)));
  }

  /** Lowercase hex SHA-256 of the certificate's DER encoding. */
  public static String fingerprint(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(Digests.sha256(cert.getEncoded()));
    } catch (CertificateEncodingException e) {
      // A certificate the TLS stack accepted always has an encoding.
      throw new IllegalStateException(e);
    }
  }

  /** Accepts {@code AB:CD:…} (as openssl prints it), {@code sha256:abcd…} or plain hex. */
  static String normalize(String fp) {
    String s = fp.strip().toLowerCase(Locale.ROOT);
    if (s.startsWith("sha256:")) {
      s = s.substring("sha256:".length());
    }
    s = s.replace(":", "");
    if (!FINGERPRINT.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "tls.clients: sha256 must be the certificate's SHA-256 fingerprint (64 hex digits, as"
              + " `openssl x509 -noout -fingerprint -sha256` prints it)");
    }
    return s;
  }
}
