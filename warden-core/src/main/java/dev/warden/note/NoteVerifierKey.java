package dev.warden.note;

import dev.warden.crypto.Digests;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An Ed25519 note verifier key (c2sp.org/signed-note §Verifier keys), written {@code <name>+<hex
 * key ID>+<base64(0x01 ‖ public key)>}. The key ID is always the one the spec derives for Ed25519
 * (§Ed25519 signatures): the first four bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
 *
 * @param name the key name; for a log, its origin
 * @param keyId the 32-bit key ID, big-endian as in signatures
 * @param publicKey the 32-byte RFC 8032 public key
 */
public record NoteVerifierKey(String name, int keyId, byte[] publicKey) {
  /** The signature type identifier byte of Ed25519 (c2sp.org/signed-note §Signature types). */
  public static final byte ED25519 = 0x01;

  private static final HexFormat HEX = HexFormat.of();

  /**
   * @throws IllegalArgumentException if the name is not a key name, the key is not 32 bytes, or
   *     {@code keyId} is not the ID derived from name and key
   */
  public NoteVerifierKey {
    String problem = NoteText.nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (publicKey.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is 32 bytes, not " + publicKey.length);
    }
    publicKey = publicKey.clone();
    int derived = keyId(name, publicKey);
    if (keyId != derived) {
      throw new IllegalArgumentException(
          "key ID "
              + HEX.toHexDigits(keyId)
              + " of "
              + name
              + " is not SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4] = "
              + HEX.toHexDigits(derived));
    }
  }

  /** The verifier key of {@code name} and {@code publicKey}, with its derived key ID. */
  public static NoteVerifierKey of(String name, byte[] publicKey) {
    String problem = NoteText.nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (publicKey.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is 32 bytes, not " + publicKey.length);
    }
    return new NoteVerifierKey(name, keyId(name, publicKey), publicKey);
  }

  /**
   * Parses a vkey strictly: eight lower-case hex digits, canonical padded base64 of 33 bytes
   * starting with 0x01, and the key ID the name and key derive.
   *
   * @throws IllegalArgumentException if {@code vkey} is anything else; the message says what
   */
  public static NoteVerifierKey parse(String vkey) {
    int plus1 = vkey.indexOf('+');
    int plus2 = plus1 < 0 ? -1 : vkey.indexOf('+', plus1 + 1);
    if (plus2 < 0) {
      throw new IllegalArgumentException("a vkey is <name>+<hex key ID>+<base64 key>");
    }
    String name = vkey.substring(0, plus1);
    String id = vkey.substring(plus1 + 1, plus2);
    if (id.length() != 8
        || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException("vkey key ID is not 8 lower-case hex digits");
    }
    byte[] key = NoteText.base64(vkey.substring(plus2 + 1));
    if (key == null) {
      throw new IllegalArgumentException("vkey key is not canonical padded base64");
    }
    if (key.length != 33 || key[0] != ED25519) {
      throw new IllegalArgumentException(
          "vkey key is not an Ed25519 key (signature type 0x01 and 32 bytes)");
    }
    return new NoteVerifierKey(name, HEX.fromHexDigits(id), Arrays.copyOfRange(key, 1, key.length));
  }

  /** {@code <name>+<hex key ID>+<base64(0x01 ‖ public key)>}. */
  public String format() {
    byte[] typed = new byte[33];
    typed[0] = ED25519;
    System.arraycopy(publicKey, 0, typed, 1, 32);
    return name + "+" + HEX.toHexDigits(keyId) + "+" + NoteText.base64(typed);
  }

  /** SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[:4], big-endian (c2sp.org/signed-note §Ed25519). */
  static int keyId(String name, byte[] publicKey) {
    byte[] h =
        Digests.sha256(
            name.getBytes(StandardCharsets.UTF_8), new byte[] {'\n', ED25519}, publicKey);
    return ByteBuffer.wrap(h, 0, 4).getInt();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteVerifierKey other
        && name.equals(other.name)
        && keyId == other.keyId
        && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, keyId, Arrays.hashCode(publicKey));
  }

  @Override
  public String toString() {
    return format();
  }
}
