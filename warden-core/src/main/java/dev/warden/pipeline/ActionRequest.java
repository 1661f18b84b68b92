package dev.warden.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An agent's action request (SPEC §2), validated: {@code action} and {@code resource} required;
 * {@code params} an object; {@code amount} a decimal string with an ISO 4217 currency; {@code
 * labels} strings; {@code classification} a string; nothing else.
 *
 * @param json the whole request as parsed (the policy and the log see it)
 */
public record ActionRequest(
    String action,
    String resource,
    Map<String, String> labels,
    Optional<String> classification,
    JsonNode json) {

  private static final Set<String> FIELDS =
      Set.of("action", "resource", "params", "amount", "labels", "classification");
  private static final Pattern ACTION = Pattern.compile("^[a-z0-9][a-z0-9._:-]{0,127}$");
  private static final Pattern AMOUNT = Pattern.compile("^(0|[1-9][0-9]{0,17})(\\.[0-9]{1,6})?$");
  private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");
  private static final Pattern LABEL_KEY = Pattern.compile("^[a-z0-9][a-z0-9._/-]{0,62}$");
  private static final int MAX_RESOURCE = 1024;
  private static final int MAX_LABEL_VALUE = 256;
  private static final int MAX_LABELS = 64;

  /**
   * Validates a parsed body.
   *
   * @throws RequestRejected {@code request.invalid} with the JSON Pointer of the first bad field
   */
  public static ActionRequest from(JsonNode json) throws RequestRejected {
    if (!json.isObject()) {
      throw invalid("", "the body must be a JSON object");
    }
    Iterator<String> names = json.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!FIELDS.contains(n)) {
        throw invalid(
            "/" + escape(n),
            "unknown field; allowed: " + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    String action = requiredString(json, "action");
    if (!ACTION.matcher(action).matches()) {
      throw invalid("/action", "must match " + ACTION.pattern() + ", like \"payments.transfer\"");
    }
    String resource = requiredString(json, "resource");
    if (resource.isEmpty() || resource.length() > MAX_RESOURCE || hasControl(resource)) {
      throw invalid(
          "/resource", "must be 1 to " + MAX_RESOURCE + " characters without control characters");
    }
    if (json.has("params") && !json.get("params").isObject()) {
      throw invalid("/params", "must be a JSON object");
    }
    if (json.has("amount")) {
      validateAmount(json.get("amount"));
    }
    Map<String, String> labels = labels(json.get("labels"));
    Optional<String> classification = Optional.empty();
    if (json.has("classification")) {
      JsonNode c = json.get("classification");
      if (!c.isTextual()
          || c.asText().isEmpty()
          || c.asText().length() > 64
          || hasControl(c.asText())) {
        throw invalid("/classification", "must be a string of 1 to 64 characters");
      }
      classification = Optional.of(c.asText());
    }
    return new ActionRequest(action, resource, labels, classification, json);
  }

  private static void validateAmount(JsonNode a) throws RequestRejected {
    if (!a.isObject()) {
      throw invalid("/amount", "must be an object {\"value\": \"12.50\", \"currency\": \"USD\"}");
    }
    Iterator<String> names = a.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals("value") && !n.equals("currency")) {
        throw invalid("/amount/" + escape(n), "unknown field; allowed: currency, value");
      }
    }
    JsonNode v = a.get("value");
    if (v == null || !v.isTextual()) {
      throw invalid(
          "/amount/value", "must be a decimal string like \"12.50\" (never a JSON number)");
    }
    if (!AMOUNT.matcher(v.asText()).matches()) {
      throw invalid(
          "/amount/value",
          "must be a non-negative decimal string like \"12.50\", at most 6 decimals");
    }
    JsonNode c = a.get("currency");
    if (c == null || !c.isTextual() || !CURRENCY.matcher(c.asText()).matches()) {
      throw invalid("/amount/currency", "must be an ISO 4217 code like \"USD\"");
    }
  }

  private static Map<String, String> labels(JsonNode l) throws RequestRejected {
    Map<String, String> out = new LinkedHashMap<>();
    if (l == null) {
      return out;
    }
    if (!l.isObject()) {
      throw invalid("/labels", "must be an object of strings");
    }
    if (l.size() > MAX_LABELS) {
      throw invalid("/labels", "at most " + MAX_LABELS + " labels");
    }
    Iterator<Map.Entry<String, JsonNode>> it = l.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String p = "/labels/" + escape(e.getKey());
      if (!LABEL_KEY.matcher(e.getKey()).matches()) {
        throw invalid(p, "label names must match " + LABEL_KEY.pattern());
      }
      JsonNode v = e.getValue();
      if (!v.isTextual() || v.asText().length() > MAX_LABEL_VALUE || hasControl(v.asText())) {
        throw invalid(p, "label values are strings of at most " + MAX_LABEL_VALUE + " characters");
      }
      out.put(e.getKey(), v.asText());
    }
    return out;
  }

  private static String requiredString(JsonNode json, String field) throws RequestRejected {
    JsonNode n = json.get(field);
    if (n == null) {
      throw invalid("/" + field, "is required");
    }
    if (!n.isTextual()) {
      throw invalid("/" + field, "must be a string");
    }
    return n.asText();
  }

  /**
   * C0, DEL and C1 (U+0080–U+009F): C1 holds NEL, a line break, and CSI, which terminals take as
   * the start of an escape sequence, so a resource or label must not carry them into an operator's
   * terminal either.
   */
  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** RFC 6901 escaping of one reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static RequestRejected invalid(String pointer, String detail) {
    return RequestRejected.atPointer(
        ErrorCode.REQUEST_INVALID, pointer, (pointer.isEmpty() ? "body" : pointer) + ": " + detail);
  }
}
