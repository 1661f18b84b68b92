package dev.warden.httpsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.httpsig.StructuredFields.InnerList;
import dev.warden.httpsig.StructuredFields.Parameters;
import dev.warden.httpsig.StructuredFields.SfBoolean;
import dev.warden.httpsig.StructuredFields.SfString;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SignatureParametersTest {

  private static final List<Component> COMPONENTS =
      List.of(
          Component.of("@method"),
          Component.of("@target-uri"),
          new Component("content-digest", Parameters.EMPTY.with("sf", SfBoolean.TRUE)),
          Component.queryParam("a%20b"));

  @Test
  void create_allParameters_serializesInFixedOrder() {
    SignatureParameters p =
        SignatureParameters.create(
            COMPONENTS, 1700000000, 1700000300L, "n", "agent/k1", "ed25519", "t");
    assertThat(p.serialized())
        .isEqualTo(
            "(\"@method\" \"@target-uri\" \"content-digest\";sf \"@query-param\";name=\"a%20b\")"
                + ";created=1700000000;expires=1700000300;nonce=\"n\";keyid=\"agent/k1\""
                + ";alg=\"ed25519\";tag=\"t\"");
    assertThat(p.covers("content-digest")).isTrue();
    assertThat(p.covers("content-type")).isFalse();
  }

  @Test
  void parse_createdSerialization_yieldsEqualParameters() throws Exception {
    SignatureParameters p =
        SignatureParameters.create(COMPONENTS, 5, null, "nonce", "agent", null, null);
    InnerList list = (InnerList) StructuredFields.parseList(p.serialized()).getFirst();
    assertThat(SignatureParameters.parse(list)).isEqualTo(p);
  }

  @Test
  void of_serializedDisagreesWithValues_throwsIllegalArgument() {
    SignatureParameters p = SignatureParameters.create(COMPONENTS, 5, null, "n", "k", null, null);
    assertThatThrownBy(
            () ->
                SignatureParameters.of(
                    p.components(),
                    6,
                    OptionalLong.empty(),
                    "n",
                    "k",
                    Optional.empty(),
                    Optional.empty(),
                    p.serialized()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                SignatureParameters.of(
                    List.of(Component.of("@method")),
                    5,
                    OptionalLong.empty(),
                    "n",
                    "k",
                    Optional.empty(),
                    Optional.empty(),
                    p.serialized()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                SignatureParameters.of(
                    p.components(),
                    5,
                    OptionalLong.empty(),
                    "n",
                    "k",
                    Optional.empty(),
                    Optional.empty(),
                    p.serialized().replace(";created=5", "; created=5")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                SignatureParameters.of(
                    p.components(),
                    5,
                    OptionalLong.empty(),
                    "n",
                    "k",
                    Optional.empty(),
                    Optional.empty(),
                    "garbage"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void create_duplicateComponents_throwsIllegalArgument() {
    assertThatThrownBy(
            () ->
                SignatureParameters.create(
                    List.of(Component.of("date"), Component.of("date")),
                    1,
                    null,
                    "n",
                    "k",
                    null,
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void component_invalidIdentifiers_throwIllegalArgument() {
    assertThatThrownBy(() -> Component.of("@unknown")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Component.of("Content-Type"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Component.of("@query-param"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Component("@path", Parameters.EMPTY.with("key", new SfString("a"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void component_identifier_serializesWithParameters() {
    Component c = new Component("example-dict", Parameters.EMPTY.with("key", new SfString("a")));
    assertThat(c.identifier()).isEqualTo("\"example-dict\";key=\"a\"");
    assertThat(c.stringParam("key")).contains("a");
    assertThat(c.isDerived()).isFalse();
    assertThat(Component.of("@path").isDerived()).isTrue();
  }
}
