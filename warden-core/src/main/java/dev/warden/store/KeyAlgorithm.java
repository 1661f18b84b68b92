package dev.warden.store;

/** The algorithm of an agent key, named as in RFC 9421's signature algorithm registry. */
public enum KeyAlgorithm {
  /** Ed25519 public key, 32 raw bytes (RFC 8032). */
  ED25519("ed25519"),
  /** HMAC-SHA256 shared secret, at least 32 bytes. */
  HMAC_SHA256("hmac-sha256");

  private final String wire;

  KeyAlgorithm(String wire) {
    this.wire = wire;
  }

  /** The RFC 9421 {@code alg} name. */
  public String wire() {
    return wire;
  }

  /** Parses {@link #wire()}; throws {@link IllegalArgumentException} on anything else. */
  public static KeyAlgorithm fromWire(String s) {
    for (KeyAlgorithm v : values()) {
      if (v.wire.equals(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown key algorithm: " + s);
  }
}
