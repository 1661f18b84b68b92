package dev.warden.server.adapter;

/**
 * A credential from the {@code secrets:} section, resolved at load. Its value is readable only
 * inside this package, for the headers of outgoing requests. Deliberately no {@code toString},
 * {@code equals} or {@code hashCode} beyond {@link Object}'s, which reveal nothing of the value.
 */
public final class Secret {
  private final String name;
  private final String value;

  Secret(String name, String value) {
    this.name = name;
    this.value = value;
  }

  /** The name under {@code secrets:}; not secret. */
  public String name() {
    return name;
  }

  /** The value: only for an outgoing request header, and for redacting text that might echo it. */
  String reveal() {
    return value;
  }
}
