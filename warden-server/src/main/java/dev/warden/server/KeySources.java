package dev.warden.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.server.Keyring.Which;
import dev.warden.server.adapter.AdapterConfigException;
import dev.warden.server.adapter.ConfigReader;
import dev.warden.server.pkcs11.TokenKey;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where the checkpoint and receipt keys live: the {@code keys:} section of {@code warden.yaml}. A
 * key named there is in a PKCS#11 token ({@code keys.checkpoint.pkcs11}, {@code
 * keys.receipt.pkcs11}); a key not named there is its encrypted file under {@code keys/}.
 *
 * @param checkpoint the checkpoint key's token, or null for {@code keys/checkpoint.key}
 * @param receipt the receipt key's token, or null for {@code keys/receipt.key}
 */
public record KeySources(@Nullable TokenKey checkpoint, @Nullable TokenKey receipt) {
  /** Both keys in their files. */
  public static final KeySources FILES = new KeySources(null, null);

  /** Parses the {@code keys:} section (null when there is none). */
  static KeySources parse(@Nullable JsonNode section) throws AdapterConfigException {
    if (section == null || section.isNull()) {
      return FILES;
    }
    ConfigReader.object(section, "/keys", Set.of("checkpoint", "receipt"));
    return new KeySources(token(section, "checkpoint"), token(section, "receipt"));
  }

  private static @Nullable TokenKey token(JsonNode section, String which)
      throws AdapterConfigException {
    JsonNode node = section.get(which);
    if (node == null || node.isNull()) {
      return null;
    }
    String at = "/keys/" + which;
    ConfigReader.object(node, at, Set.of("pkcs11"));
    return TokenKey.parse(
        ConfigReader.required(
            node,
            at,
            "pkcs11",
            "a key in warden.yaml is in a token: {pkcs11: {library, token,"
                + " key, pin}}; leave the key out to keep it in its file"),
        at + "/pkcs11");
  }

  /** These sources with {@code which}'s key in its file. */
  KeySources inFile(Which which) {
    return switch (which) {
      case CHECKPOINT -> new KeySources(null, receipt);
      case RECEIPT -> new KeySources(checkpoint, null);
      case HMAC -> this;
    };
  }

  /** The token of {@code which}'s key, or null if it is a file (the HMAC key always is). */
  public @Nullable TokenKey of(Which which) {
    return switch (which) {
      case CHECKPOINT -> checkpoint;
      case RECEIPT -> receipt;
      case HMAC -> null;
    };
  }
}
