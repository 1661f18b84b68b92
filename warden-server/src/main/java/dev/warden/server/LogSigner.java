package dev.warden.server;

import dev.warden.crypto.Digests;
import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.log.Checkpointer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Signs each batch's checkpoint: a C2SP tlog-checkpoint (origin, size, base64 root) in a C2SP
 * signed note, Ed25519, key name = origin, key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4].
 */
final class LogSigner implements Checkpointer {
  private final String origin;
  private final Ed25519KeyPair key;
  private final byte[] keyId;

  LogSigner(String origin, Ed25519KeyPair key) {
    this.origin = origin;
    this.key = key;
    byte[] id =
        Digests.sha256(
            origin.getBytes(StandardCharsets.UTF_8), new byte[] {0x0A, 0x01}, key.publicKey());
    this.keyId = new byte[] {id[0], id[1], id[2], id[3]};
  }

  /** The C2SP verifier key: {@code <name>+<hex key ID>+<base64(0x01 ‖ public key)>}. */
  String vkey() {
    byte[] typed = new byte[33];
    typed[0] = 0x01;
    System.arraycopy(key.publicKey(), 0, typed, 1, 32);
    return origin
        + "+"
        + java.util.HexFormat.of().formatHex(keyId)
        + "+"
        + Base64.getEncoder().encodeToString(typed);
  }

  @Override
  public String sign(long size, byte[] root) {
    String body = origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
    byte[] sig = key.sign(body.getBytes(StandardCharsets.UTF_8));
    byte[] line = ByteBuffer.allocate(4 + sig.length).put(keyId).put(sig).array();
    return body + "\n\u2014 " + origin + " " + Base64.getEncoder().encodeToString(line) + "\n";
  }
}
