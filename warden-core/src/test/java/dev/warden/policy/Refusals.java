package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.warden.policy.PolicyException.Reason;

/** Refused policy documents: the case table shared by the refusal tests. */
final class Refusals {

  private Refusals() {}

  /** A document, and the reason, field, line and exact message of its refusal. */
  record Case(String name, String text, Reason reason, String pointer, int line, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case schema(String name, String text, String pointer, int line, String message) {
    return new Case(name, text, Reason.SCHEMA, pointer, line, message);
  }

  static Case yaml(String name, String text, String pointer, int line, String message) {
    return new Case(name, text, Reason.UNSUPPORTED_YAML, pointer, line, message);
  }

  /** Loads {@code text}, which must be refused, and returns the refusal. */
  static PolicyException refusal(String text) {
    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyLoader.load(text));
    assertThat(e).as("expected a refusal of %s", text).isNotNull();
    return e;
  }

  static void assertRefusedAsDescribed(Case c) {
    PolicyException e = refusal(c.text());

    assertThat(e.getMessage()).isEqualTo(c.message());
    assertThat(e.reason()).isEqualTo(c.reason());
    assertThat(e.pointer()).isEqualTo(c.pointer());
    assertThat(e.line()).hasValue(c.line());
  }
}
