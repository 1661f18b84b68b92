package dev.warden.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.json.Canonical;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import dev.warden.policy.PolicyException.Reason;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reads policy documents. YAML is the usual form; a document whose first non-whitespace character
 * is <code>{</code> is read as strict JSON ({@link StrictJson}), so JSON means exactly JSON. Both
 * become the same JSON tree, whose RFC 8785 canonical form is hashed for {@link Policy#hash()}.
 *
 * <pre>{@code
 * version: 1                     # required, must be 1
 * default: deny                  # deny (when left out) or escalate; never allow
 * rules:
 *   - id: allow-small-payments   # required, unique, ^[a-z0-9][a-z0-9._-]{0,63}$
 *     effect: allow              # allow | deny | escalate
 *     match:
 *       action: "payments.*"     # glob or list of globs; required
 *       resource: "acct/*"       # glob or list; default "*"
 *       agents: ["agent-1"]      # list of agent id globs; default any
 *       tenants: ["acme"]        # list of tenant globs; default any
 *       labels: {env: prod}      # each request label must match its glob
 *     reason: "small payments are fine"
 *     approvers: ["ops"]         # escalate only; default any approver
 *     min_approvals: 1           # escalate only; default 1
 *     ttl: 15m                   # escalate only; s, m, h or d; default 15m
 * }</pre>
 */
public final class PolicyLoader {

  /** Longest accepted document, in characters (64 Mi: room for about 100,000 rules). */
  public static final int MAX_TEXT_CHARS = 64 << 20;

  /** Deepest accepted nesting of mappings and lists. */
  public static final int MAX_DEPTH = 32;

  /** The limits for JSON documents: large, because a policy is operator input, not agent input. */
  static final JsonLimits JSON_LIMITS =
      new JsonLimits(MAX_TEXT_CHARS * 4, MAX_DEPTH, 65_536, 100, 1_000_000);

  private PolicyLoader() {}

  /**
   * Parses, checks and compiles a policy document.
   *
   * @throws PolicyException naming the line (YAML) or field and the problem, for a document that is
   *     not well-formed, uses YAML without a plain JSON meaning, or does not fit the schema
   */
  public static RulePolicy load(String text) throws PolicyException {
    if (text.length() > MAX_TEXT_CHARS) {
      throw new PolicyException(
          Reason.SYNTAX,
          "",
          0,
          "the policy has " + text.length() + " characters; at most " + MAX_TEXT_CHARS);
    }
    JsonNode root;
    Map<String, Integer> lines;
    if (text.stripLeading().startsWith("{")) {
      root = json(text);
      lines = Map.of();
    } else {
      YamlTree.Result yaml = YamlTree.read(text);
      root = yaml.root();
      lines = yaml.lines();
    }
    PolicySchema.Parsed parsed = PolicySchema.read(root, lines);
    return new RulePolicy(text, hash(root), parsed.defaultEffect(), parsed.rules());
  }

  private static JsonNode json(String text) throws PolicyException {
    byte[] utf8;
    try {
      // Reporting, not replacing: an unpaired surrogate must not silently become '?'.
      ByteBuffer encoded =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(text));
      utf8 = new byte[encoded.remaining()];
      encoded.get(utf8);
    } catch (CharacterCodingException e) {
      throw new PolicyException(
          Reason.SYNTAX, "", 0, "the policy text is not valid Unicode (unpaired surrogate)");
    }
    try {
      return StrictJson.parse(utf8, JSON_LIMITS);
    } catch (JsonRejected e) {
      throw new PolicyException(Reason.SYNTAX, e.pointer(), 0, "policy JSON: " + e.getMessage());
    }
  }

  /** {@code sha256:} and the lower-case hex SHA-256 of the canonical JSON of {@code document}. */
  static String hash(JsonNode document) throws PolicyException {
    byte[] canonical;
    try {
      canonical = Canonical.bytes(document);
    } catch (IllegalArgumentException e) {
      throw new PolicyException(
          Reason.SCHEMA, "", 0, "the policy has no canonical JSON form: " + e.getMessage());
    }
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
