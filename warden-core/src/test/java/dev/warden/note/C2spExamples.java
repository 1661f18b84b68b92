package dev.warden.note;

import dev.warden.crypto.Ed25519KeyPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/** Examples read verbatim from the C2SP specs in {@code src/test/resources/c2sp/}. */
final class C2spExamples {
  private C2spExamples() {}

  static String spec(String file) {
    try (InputStream in = C2spExamples.class.getResourceAsStream("/c2sp/" + file)) {
      return new String(Objects.requireNonNull(in, file).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fenced code blocks of a spec, each with its lines and a final newline. */
  static List<String> codeBlocks(String file) {
    List<String> blocks = new ArrayList<>();
    StringBuilder current = null;
    for (String line : spec(file).split("\n", -1)) {
      if (line.startsWith("```")) {
        if (current == null) {
          current = new StringBuilder();
        } else {
          blocks.add(current.toString());
          current = null;
        }
      } else if (current != null) {
        current.append(line).append('\n');
      }
    }
    return blocks;
  }

  /** The indented line of a spec that starts with {@code prefix}, without its indentation. */
  static String indentedLine(String file, String prefix) {
    for (String line : spec(file).split("\n", -1)) {
      if (line.startsWith("    " + prefix)) {
        return line.strip();
      }
    }
    throw new IllegalStateException(file + " has no line starting with " + prefix);
  }

  static Ed25519KeyPair key(long seed) {
    byte[] b = new byte[32];
    new SplittableRandom(seed).nextBytes(b);
    return Ed25519KeyPair.fromSeed(b);
  }
}
