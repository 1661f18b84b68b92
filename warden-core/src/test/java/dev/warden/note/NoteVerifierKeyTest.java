package dev.warden.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.crypto.Digests;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoteVerifierKeyTest {
  private static final String SPEC_VKEY =
      C2spExamples.indentedLine("signed-note.md", "example.com/foo+");

  @Test
  void parse_signedNoteSpecExample_readsNameIdAndKeyAndFormatsBack() {
    assertThat(SPEC_VKEY)
        .isEqualTo("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    NoteVerifierKey k = NoteVerifierKey.parse(SPEC_VKEY);
    assertThat(k.name()).isEqualTo("example.com/foo");
    assertThat(k.keyId()).isEqualTo(0x530d903a);
    assertThat(k.publicKey()).hasSize(32);
    assertThat(k.format()).isEqualTo(SPEC_VKEY);
    assertThat(NoteVerifierKey.of(k.name(), k.publicKey())).isEqualTo(k);
  }

  @Test
  void of_anyKey_keyIdIsFirstFourBytesOfSha256OfNameNewlineTypeAndKey() {
    byte[] pk = C2spExamples.key(7).publicKey();
    NoteVerifierKey k = NoteVerifierKey.of("warden.example.com/log", pk);
    byte[] h =
        Digests.sha256(
            "warden.example.com/log".getBytes(StandardCharsets.UTF_8), new byte[] {0x0a, 0x01}, pk);
    assertThat(k.keyId()).isEqualTo(ByteBuffer.wrap(h).getInt());
    assertThat(NoteVerifierKey.parse(k.format())).isEqualTo(k);
    assertThat(k.toString()).isEqualTo(k.format());
  }

  @Test
  void parse_wrongKeyId_throws() {
    String wrong = SPEC_VKEY.replace("+530d903a+", "+530d903b+");
    assertThatThrownBy(() -> NoteVerifierKey.parse(wrong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key ID");
  }

  @Test
  void parse_otherNameForSameKey_throwsKeyIdMismatch() {
    assertThatThrownBy(
            () -> NoteVerifierKey.parse(SPEC_VKEY.replace("example.com/foo", "example.com/bar")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_malformedVkeys_throw() {
    String key = SPEC_VKEY.substring(SPEC_VKEY.lastIndexOf('+') + 1);
    for (String bad :
        List.of(
            "",
            "example.com/foo",
            "example.com/foo+530d903a",
            "example.com/foo+530D903A+" + key, // upper-case hex
            "example.com/foo+530d903+" + key, // 7 digits
            "example.com/foo+0530d903a+" + key, // 9 digits
            "+530d903a+" + key, // empty name
            "example.com/f o+530d903a+" + key, // space in the name
            "example.com/foo+530d903a+" + key.substring(0, key.length() - 1), // truncated
            "example.com/foo+530d903a+" + key + "=", // padding not canonical
            "example.com/foo+530d903a+" + key + " ",
            "example.com/foo+530d903a+Ag" + key.substring(2), // signature type 0x02
            "example.com/foo+530d903a+" + key.substring(4))) {
      assertThatThrownBy(() -> NoteVerifierKey.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void constructor_invalidNames_throw() {
    byte[] pk = C2spExamples.key(1).publicKey();
    for (String name :
        List.of("", "a+b", "a b", "a\tb", "a\nb", "a\u00a0b", "a\u2003b", "a\u0085b")) {
      assertThatThrownBy(() -> NoteVerifierKey.of(name, pk))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> NoteVerifierKey.of("a", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void publicKey_returnsCopy() {
    NoteVerifierKey k = NoteVerifierKey.parse(SPEC_VKEY);
    k.publicKey()[0] ^= 1;
    assertThat(k.format()).isEqualTo(SPEC_VKEY);
  }
}
