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
 * Every field:
 *
 * <pre>{@code
 * version: 1                     # required, must be 1
 * default: deny                  # deny (when left out) or escalate; never allow
 * timezone: Europe/Berlin        # IANA zone of calendar windows; default UTC; no fixed offsets
 * rules:
 *   - id: allow-small-payments   # required, unique, ^[a-z0-9][a-z0-9._-]{0,63}$
 *     effect: allow              # allow | deny | escalate
 *     match:
 *       action: "payments.*"     # glob or list of globs; required
 *       resource: "acct/*"       # glob or list; default "*"
 *       agents: ["agent-1"]      # list of agent id globs; default any
 *       tenants: ["acme"]        # list of tenant globs; default any
 *       labels: {env: prod}      # each request label must match its glob
 *     when: >-                   # optional CEL condition, at most 4,096 characters
 *       request.amount != null && request.amount.currency == "EUR"
 *       && usage.budget["eu-spend"] < 40000 && now.getHours("Europe/Berlin") >= 8
 *     reason: "small payments are fine"
 *     approvers: ["ops"]         # escalate only; default any approver
 *     min_approvals: 1           # escalate only; default 1
 *     ttl: 15m                   # escalate only; s, m, h or d; default 15m
 * budgets:                       # spend caps; ids unique among budgets and quotas
 *   - id: eu-spend
 *     scope: tenant              # agent | tenant
 *     match: {action: "payments.*"}   # as a rule's match
 *     window: month              # request | hour | day | month, calendar-aligned in timezone
 *     limit: "500.00"            # a decimal string, kept in minor units of the currency
 *     currency: EUR
 * quotas:                        # count caps
 *   - {id: mails, scope: agent, match: {action: email.send}, window: day, limit: 100}
 * limits:                        # token buckets; ids unique among limits
 *   - {id: burst, scope: agent, capacity: 20, refill: 10/s}   # agent | tenant | operator; N/s|m|h
 * }</pre>
 *
 * <p>Conditions are CEL ({@link CelConditions} lists the variables); each is parsed, type-checked
 * and checked for unknown field names at load, so a policy with a broken condition is refused with
 * its line and column rather than failing at decision time.
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
   *     not well-formed, uses YAML without a plain JSON meaning, does not fit the schema, or has a
   *     condition that is not valid CEL (with its column)
   */
  public static RulePolicy load(String text) throws PolicyException {
    return load(text, parse(text));
  }

  /** A document as a JSON tree, with the line of every node (none for JSON). */
  record Document(JsonNode root, Map<String, Integer> lines) {}

  /** {@link #load} of a document already read by {@link #parse}. */
  static RulePolicy load(String text, Document document) throws PolicyException {
    PolicySchema.Parsed parsed = PolicySchema.read(document.root(), document.lines());
    return new RulePolicy(text, hash(document.root()), parsed);
  }

  /**
   * Reads {@code text} as a YAML or JSON tree, without checking it is a policy.
   *
   * @throws PolicyException if it is too long, not well-formed, or uses unsupported YAML
   */
  static Document parse(String text) throws PolicyException {
    if (text.length() > MAX_TEXT_CHARS) {
      throw new PolicyException(
          Reason.SYNTAX,
          "",
          0,
          "the policy has " + text.length() + " characters; at most " + MAX_TEXT_CHARS);
    }
    if (text.stripLeading().startsWith("{")) {
      return new Document(json(text), Map.of());
    }
    YamlTree.Result yaml = YamlTree.read(text);
    return new Document(yaml.root(), yaml.lines());
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
