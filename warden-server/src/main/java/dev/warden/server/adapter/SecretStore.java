package dev.warden.server.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.crypto.KeyFiles;
import dev.warden.server.adapter.AdapterConfigException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code secrets:} section of {@code warden.yaml}, resolved once at load: each entry is {@code
 * NAME: {env: VARIABLE}} or {@code NAME: {file: /absolute/path}}. For {@code {env: VARIABLE}}, when
 * {@code VARIABLE} is unset but {@code VARIABLE_FILE} is set, the secret is read from the file that
 * names (the {@code _FILE} convention of container secrets); both set is an error.
 *
 * <p>A file must be a regular file (not a symbolic link), owned by the user Warden runs as and
 * readable by that user only (mode 0600 or 0400), at most {@value #MAX_FILE_BYTES} bytes, UTF-8;
 * one trailing newline ({@code \n} or {@code \r\n}) is stripped. A value must be non-empty
 * printable ASCII (it is sent in an HTTP header). Errors name the secret and its source, never the
 * value. Values are not re-read: a rotated secret takes effect at the next load.
 */
public final class SecretStore {

  /** Largest secret file accepted, in bytes. */
  public static final int MAX_FILE_BYTES = 65_536;

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  private final Map<String, Secret> secrets;

  private SecretStore(Map<String, Secret> secrets) {
    this.secrets = secrets;
  }

  /** A store with no secrets. */
  public static SecretStore empty() {
    return new SecretStore(Map.of());
  }

  /**
   * Resolves the {@code secrets:} section.
   *
   * @param section the section's value; null when {@code warden.yaml} has none
   * @param env looks up an environment variable, null when unset ({@code System::getenv} in
   *     production)
   * @throws AdapterConfigException naming the secret (as {@code /secrets/NAME}), its source and the
   *     problem
   */
  public static SecretStore load(@Nullable JsonNode section, Function<String, @Nullable String> env)
      throws AdapterConfigException {
    if (section == null || section.isNull()) {
      return empty();
    }
    if (!section.isObject()) {
      throw new AdapterConfigException(
          Reason.SCHEMA,
          "/secrets",
          "must be a mapping of secret name to {env: VAR} or {file: PATH}");
    }
    Map<String, Secret> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : section.properties()) {
      String name = e.getKey();
      String at = "/secrets/" + ConfigReader.escape(name);
      if (!NAME.matcher(name).matches()) {
        throw new AdapterConfigException(
            Reason.SCHEMA,
            at,
            "a secret name is 1 to 64 of A-Z, a-z, 0-9 and '_', starting with a letter");
      }
      String value = resolve(e.getValue(), at, env);
      // Masked in every log line from now on, should anything ever echo it.
      dev.warden.server.logging.Redaction.register(value);
      out.put(name, new Secret(name, value));
    }
    return new SecretStore(Map.copyOf(out));
  }

  /** The secret declared as {@code name}, if any. */
  public Optional<Secret> get(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  /** The declared names. */
  public Set<String> names() {
    return secrets.keySet();
  }

  /**
   * Resolves one secret source, {@code {env: VARIABLE}} or {@code {file: /absolute/path}}, with the
   * rules of the {@code secrets:} section (a PKCS#11 PIN uses them too).
   *
   * @param at the JSON Pointer of the source, for errors
   */
  public static String resolve(JsonNode source, String at, Function<String, @Nullable String> env)
      throws AdapterConfigException {
    if (!source.isObject() || source.size() != 1 || !(source.has("env") || source.has("file"))) {
      throw new AdapterConfigException(
          Reason.SECRET,
          at,
          "a secret source is exactly one of {env: VARIABLE} or {file: /absolute/path}");
    }
    JsonNode variableNode = source.get("env");
    if (variableNode != null) {
      if (!variableNode.isTextual() || variableNode.textValue().isEmpty()) {
        throw new AdapterConfigException(
            Reason.SECRET, at + "/env", "must be the name of an environment variable");
      }
      String variable = variableNode.textValue();
      String value = env.apply(variable);
      String file = env.apply(variable + "_FILE");
      if (value != null && file != null) {
        throw new AdapterConfigException(
            Reason.SECRET,
            at + "/env",
            "both " + variable + " and " + variable + "_FILE are set; unset one of them");
      }
      if (value == null && file != null) {
        Path path = Path.of(file);
        if (!path.isAbsolute()) {
          throw new AdapterConfigException(
              Reason.SECRET,
              at + "/env",
              variable + "_FILE must be an absolute path to the secret's file");
        }
        return checked(readFile(path, at + "/env"), at + "/env", "file " + path);
      }
      if (value == null) {
        throw new AdapterConfigException(
            Reason.SECRET,
            at + "/env",
            "environment variable "
                + variable
                + " (or "
                + variable
                + "_FILE, naming a file of mode 0600) is not set; set it before starting Warden");
      }
      return checked(value, at + "/env", "environment variable " + variable);
    }
    JsonNode file = source.get("file");
    if (!file.isTextual() || !Path.of(file.textValue()).isAbsolute()) {
      throw new AdapterConfigException(
          Reason.SECRET, at + "/file", "must be an absolute path to the secret's file");
    }
    Path path = Path.of(file.textValue());
    return checked(readFile(path, at + "/file"), at + "/file", "file " + path);
  }

  private static String readFile(Path path, String at) throws AdapterConfigException {
    byte[] bytes;
    try {
      if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
          && Files.size(path) > MAX_FILE_BYTES) {
        throw new AdapterConfigException(
            Reason.SECRET,
            at,
            "file " + path + " is larger than " + MAX_FILE_BYTES + " bytes; is it the right file?");
      }
      bytes = KeyFiles.readChecked(path);
    } catch (IOException e) {
      throw new AdapterConfigException(
          Reason.SECRET, at, "cannot use secret file: " + e.getMessage());
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new AdapterConfigException(Reason.SECRET, at, "file " + path + " is not UTF-8 text");
    }
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }

  /** The value if usable in an HTTP header; the error names the source, never the value. */
  private static String checked(String value, String at, String source)
      throws AdapterConfigException {
    if (value.isEmpty()) {
      throw new AdapterConfigException(Reason.SECRET, at, "the value of " + source + " is empty");
    }
    if (value.length() > MAX_FILE_BYTES) {
      throw new AdapterConfigException(
          Reason.SECRET, at, "the value of " + source + " is longer than " + MAX_FILE_BYTES);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new AdapterConfigException(
            Reason.SECRET,
            at,
            "the value of "
                + source
                + " has a control or non-ASCII character; secrets are sent in HTTP header values,"
                + " which take printable ASCII only");
      }
    }
    return value;
  }
}
