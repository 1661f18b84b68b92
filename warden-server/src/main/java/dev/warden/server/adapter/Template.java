package dev.warden.server.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.json.Canonical;
import dev.warden.server.adapter.AdapterConfigException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A configured string with placeholders, compiled at load: {@code {action}}, {@code {resource}},
 * {@code {decision_id}}, {@code {agent}}, {@code {tenant}}, {@code {params.NAME}} (a top-level
 * string or number member of the request's params) and, where the caller allows it, {@code
 * {secret:NAME}}. Braces are always placeholder syntax; there is no escape for a literal brace.
 */
public final class Template {

  private static final Pattern PARAM = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
  private static final List<String> FIELDS =
      List.of("action", "resource", "decision_id", "agent", "tenant");
  private static final String KNOWN =
      "{action}, {resource}, {decision_id}, {agent}, {tenant} and {params.NAME}";

  private sealed interface Part permits Literal, Field, Param, SecretRef {}

  private record Literal(String text) implements Part {}

  private record Field(String name) implements Part {}

  private record Param(String name) implements Part {}

  private record SecretRef(Secret secret) implements Part {}

  /** Maps the value for one placeholder to the text put in its place. */
  @FunctionalInterface
  interface Substitution {
    /**
     * @param placeholder the placeholder as written, like {@code {resource}}, for error messages
     */
    String apply(String placeholder, String value) throws AdapterFailure;
  }

  private final String text;
  private final List<Part> parts;

  private Template(String text, List<Part> parts) {
    this.text = text;
    this.parts = parts;
  }

  /**
   * Compiles {@code text}.
   *
   * @param secrets where {@code {secret:NAME}} placeholders are looked up; null where they are not
   *     allowed
   */
  static Template parse(String text, String at, @Nullable SecretStore secrets)
      throws AdapterConfigException {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int open = text.indexOf('{', i);
      int close = text.indexOf('}', i);
      if (close >= 0 && (open < 0 || close < open)) {
        throw new AdapterConfigException(
            Reason.TEMPLATE, at, "'}' at index " + close + " closes no placeholder");
      }
      if (open < 0) {
        parts.add(new Literal(text.substring(i)));
        break;
      }
      if (open > i) {
        parts.add(new Literal(text.substring(i, open)));
      }
      if (close < 0) {
        throw new AdapterConfigException(
            Reason.TEMPLATE, at, "the placeholder at index " + open + " has no closing '}'");
      }
      parts.add(placeholder(text.substring(open + 1, close), at, secrets));
      i = close + 1;
    }
    return new Template(text, List.copyOf(parts));
  }

  private static Part placeholder(String name, String at, @Nullable SecretStore secrets)
      throws AdapterConfigException {
    if (FIELDS.contains(name)) {
      return new Field(name);
    }
    if (name.startsWith("params.") && PARAM.matcher(name.substring(7)).matches()) {
      return new Param(name.substring(7));
    }
    if (name.startsWith("secret:")) {
      if (secrets == null) {
        throw new AdapterConfigException(
            Reason.TEMPLATE,
            at,
            "{"
                + name
                + "} is not allowed here: secrets go in header values only, so that they never"
                + " appear in URLs, which servers and proxies log");
      }
      String secretName = name.substring(7);
      Optional<Secret> secret = secrets.get(secretName);
      if (secret.isEmpty()) {
        throw new AdapterConfigException(
            Reason.SECRET,
            at,
            "secret "
                + secretName
                + " is not declared; add it under secrets: as "
                + secretName
                + ": {env: VARIABLE} or {file: /path}");
      }
      return new SecretRef(secret.get());
    }
    throw new AdapterConfigException(
        Reason.TEMPLATE,
        at,
        "unknown placeholder {"
            + ConfigReader.shown(name)
            + "}; the placeholders are "
            + KNOWN
            + (secrets == null ? "" : ", and {secret:NAME}"));
  }

  /** The template as written; placeholders name secrets but never hold their values. */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }

  /** The secrets this template refers to. */
  List<Secret> secrets() {
    List<Secret> out = new ArrayList<>();
    for (Part p : parts) {
      if (p instanceof SecretRef s) {
        out.add(s.secret());
      }
    }
    return out;
  }

  /** The text with every placeholder replaced by {@code x}: for checking the literal syntax. */
  String sample() {
    StringBuilder out = new StringBuilder();
    for (Part p : parts) {
      out.append(p instanceof Literal l ? l.text() : "x");
    }
    return out.toString();
  }

  /** Fills the placeholders from {@code ctx}, each value passed through {@code substitution}. */
  String render(ActionContext ctx, Substitution substitution) throws AdapterFailure {
    StringBuilder out = new StringBuilder(text.length() + 32);
    for (Part p : parts) {
      switch (p) {
        case Literal l -> out.append(l.text());
        case Field f -> out.append(substitution.apply("{" + f.name() + "}", field(ctx, f.name())));
        case Param q ->
            out.append(substitution.apply("{params." + q.name() + "}", param(ctx, q.name())));
        case SecretRef s ->
            out.append(
                substitution.apply("{secret:" + s.secret().name() + "}", s.secret().reveal()));
      }
    }
    return out.toString();
  }

  private static String field(ActionContext ctx, String name) {
    return switch (name) {
      case "action" -> ctx.action();
      case "resource" -> ctx.resource();
      case "decision_id" -> ctx.decisionId();
      case "agent" -> ctx.agent();
      case "tenant" -> ctx.tenant();
      default -> throw new IllegalStateException("not a field placeholder: " + name);
    };
  }

  private static String param(ActionContext ctx, String name) throws AdapterFailure {
    JsonNode value = ctx.params().get(name);
    if (value == null) {
      throw new AdapterFailure(
          Outcome.Reason.TEMPLATE_ERROR,
          "{params." + name + "}: the request's params have no member " + name);
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNumber()) {
      try {
        return Canonical.text(value);
      } catch (IllegalArgumentException e) {
        throw new AdapterFailure(
            Outcome.Reason.TEMPLATE_ERROR,
            "{params." + name + "}: the number has no canonical text form");
      }
    }
    throw new AdapterFailure(
        Outcome.Reason.TEMPLATE_ERROR,
        "{params."
            + name
            + "}: params."
            + name
            + " is "
            + value.getNodeType().toString().toLowerCase(Locale.ROOT)
            + "; only strings and numbers can be put in a template");
  }
}
