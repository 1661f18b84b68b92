package dev.warden.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The passphrase that encrypts Warden's private keys at rest. A secret: no {@code toString}, {@code
 * equals} or {@code hashCode} that could leak it.
 *
 * <p>It comes from the environment: {@code WARDEN_KEY_PASSPHRASE} (the value) or {@code
 * WARDEN_KEY_PASSPHRASE_FILE} (a file owned by the user Warden runs as, mode 0600 or 0400; one
 * trailing newline is stripped). Setting both is an error, so it is never ambiguous which one
 * counts.
 */
public final class KeyPassphrase {
  /** The variable that holds the passphrase itself. */
  public static final String ENV = "WARDEN_KEY_PASSPHRASE";

  /** The variable that names a file holding the passphrase. */
  public static final String ENV_FILE = "WARDEN_KEY_PASSPHRASE_FILE";

  /** The new passphrase when changing it ({@code warden keys passphrase}), and its file form. */
  public static final String NEW_ENV = "WARDEN_NEW_KEY_PASSPHRASE";

  public static final String NEW_ENV_FILE = "WARDEN_NEW_KEY_PASSPHRASE_FILE";

  /** Shortest passphrase accepted, in characters. */
  public static final int MIN_LENGTH = 12;

  private static final int MAX_FILE_BYTES = 4096;

  private final char[] chars;

  private KeyPassphrase(char[] chars) {
    this.chars = chars;
  }

  /**
   * @throws KeyFileException {@code BAD_PASSPHRASE} if it is shorter than {@link #MIN_LENGTH}
   */
  public static KeyPassphrase of(String passphrase) throws KeyFileException {
    return of(passphrase, "the key passphrase");
  }

  private static KeyPassphrase of(String passphrase, String source) throws KeyFileException {
    if (passphrase.length() < MIN_LENGTH) {
      throw new KeyFileException(
          KeyFileException.Reason.BAD_PASSPHRASE,
          source
              + " is shorter than "
              + MIN_LENGTH
              + " characters; choose a longer one (for example: openssl rand -base64 32)");
    }
    return new KeyPassphrase(passphrase.toCharArray());
  }

  /**
   * The passphrase the environment gives, or null if neither variable is set.
   *
   * @param env looks up an environment variable, null when unset ({@code System::getenv} in
   *     production)
   * @throws KeyFileException {@code BAD_PASSPHRASE} if both are set, the file is unusable (the
   *     message names the fix), or the passphrase is too short
   */
  public static @Nullable KeyPassphrase fromEnvironment(Function<String, @Nullable String> env)
      throws KeyFileException {
    return fromEnvironment(env, ENV, ENV_FILE);
  }

  /**
   * The passphrase the environment gives in {@code name} or in the file {@code fileName} names, or
   * null if neither is set; as {@link #fromEnvironment(Function)}.
   */
  public static @Nullable KeyPassphrase fromEnvironment(
      Function<String, @Nullable String> env, String name, String fileName)
      throws KeyFileException {
    String value = env.apply(name);
    String file = env.apply(fileName);
    if (value != null && file != null) {
      throw new KeyFileException(
          KeyFileException.Reason.BAD_PASSPHRASE,
          "both " + name + " and " + fileName + " are set; unset one of them");
    }
    if (value != null) {
      return of(value, name);
    }
    if (file == null) {
      return null;
    }
    Path path = Path.of(file);
    byte[] bytes;
    try {
      bytes = KeyFiles.readChecked(path);
    } catch (IOException e) {
      throw new KeyFileException(
          KeyFileException.Reason.BAD_PASSPHRASE,
          fileName + ": cannot use the passphrase file: " + e.getMessage());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new KeyFileException(
          KeyFileException.Reason.BAD_PASSPHRASE,
          fileName + ": " + path + " is larger than " + MAX_FILE_BYTES + " bytes");
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
      throw new KeyFileException(
          KeyFileException.Reason.BAD_PASSPHRASE, fileName + ": " + path + " is not UTF-8 text");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
    if (text.endsWith("\r\n")) {
      text = text.substring(0, text.length() - 2);
    } else if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    return of(text, "the passphrase in " + path);
  }

  /** A copy of the characters, for the key derivation; the caller clears it. */
  char[] chars() {
    return chars.clone();
  }

  @Override
  public String toString() {
    return "KeyPassphrase[redacted]";
  }
}
