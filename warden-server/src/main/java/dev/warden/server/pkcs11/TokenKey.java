package dev.warden.server.pkcs11;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.server.adapter.AdapterConfigException;
import dev.warden.server.adapter.ConfigReader;
import dev.warden.server.adapter.SecretStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where a key lives in a PKCS#11 token: {@code keys.<which>.pkcs11} in {@code warden.yaml}.
 *
 * <pre>
 * pkcs11:
 *   library: /usr/lib/softhsm/libsofthsm2.so   # the token's PKCS#11 module, an absolute path
 *   token: warden                              # the token's label
 *   key: warden-checkpoint                     # the key pair's CKA_LABEL
 *   pin: {env: WARDEN_PKCS11_PIN}              # or {file: /absolute/path}; VAR_FILE works too
 * </pre>
 *
 * @param at the JSON Pointer of the {@code pkcs11} mapping, for errors
 * @param pin the PIN's source, resolved only when the token is opened
 */
public record TokenKey(Path library, String token, String key, JsonNode pin, String at) {
  private static final Set<String> FIELDS = Set.of("library", "token", "key", "pin");

  /** Parses the {@code pkcs11} mapping at {@code at}. */
  public static TokenKey parse(JsonNode node, String at) throws AdapterConfigException {
    ConfigReader.object(node, at, FIELDS);
    String hint = "the pkcs11 fields are library, token, key and pin";
    String library =
        ConfigReader.text(ConfigReader.required(node, at, "library", hint), at + "/library");
    if (!Path.of(library).isAbsolute()) {
      throw ConfigReader.schema(
          at + "/library",
          "must be the absolute path of the token's PKCS#11 library, like"
              + " /usr/lib/softhsm/libsofthsm2.so");
    }
    String token = label(node, at, "token", hint);
    String key = label(node, at, "key", hint);
    JsonNode pin = ConfigReader.required(node, at, "pin", hint);
    if (!pin.isObject()) {
      throw ConfigReader.schema(
          at + "/pin", "must be {env: VARIABLE} or {file: /absolute/path}; never the PIN itself");
    }
    return new TokenKey(Path.of(library), token, key, pin, at);
  }

  private static String label(JsonNode node, String at, String field, String hint)
      throws AdapterConfigException {
    String s = ConfigReader.text(ConfigReader.required(node, at, field, hint), at + "/" + field);
    if (s.isEmpty() || s.getBytes(StandardCharsets.UTF_8).length > 32) {
      throw ConfigReader.schema(at + "/" + field, "must be a label of 1 to 32 bytes");
    }
    return s;
  }

  /** The PIN, read from its source now. Registered for redaction from every log line. */
  byte[] pin(Function<String, @Nullable String> env) throws AdapterConfigException {
    String value = SecretStore.resolve(pin, at + "/pin", env);
    dev.warden.server.logging.Redaction.register(value);
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** For messages: {@code key "k" in token "t" (library)}. */
  String describe() {
    return "key \"" + key + "\" in token \"" + token + "\" (" + library + ")";
  }
}
