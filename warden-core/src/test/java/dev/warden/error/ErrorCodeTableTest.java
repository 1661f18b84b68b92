package dev.warden.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's error table (between {@code <!-- error-codes:start} and {@code <!-- error-codes:end
 * -->}) is {@link ErrorCode}: the same codes with the same statuses, in the same order. Run from
 * the module directory, as Maven does.
 */
class ErrorCodeTableTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| (\\d{3}) \\| (.+) \\|$");

  @Test
  void readmeErrorTable_equalsErrorCodeEnumInOrder() throws IOException {
    List<String> table = new ArrayList<>();
    for (String line : tableLines()) {
      Matcher m = ROW.matcher(line);
      assertThat(m.matches()).as("table row %s", line).isTrue();
      assertThat(m.group(3)).as("meaning of %s", m.group(1)).isNotBlank();
      table.add(m.group(1) + " " + m.group(2));
    }
    List<String> codes =
        Arrays.stream(ErrorCode.values()).map(c -> c.code() + " " + c.status()).toList();

    assertThat(table).containsExactlyElementsOf(codes);
  }

  /** The data rows of the table: after the header and the separator line. */
  private static List<String> tableLines() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("<!-- error-codes:start")) {
        assertThat(start).as("one start marker in %s", README.toAbsolutePath()).isEqualTo(-1);
        start = i;
      } else if (lines.get(i).equals("<!-- error-codes:end -->")) {
        assertThat(end).as("one end marker").isEqualTo(-1);
        end = i;
      }
    }
    assertThat(start).as("start marker in %s", README.toAbsolutePath()).isNotNegative();
    assertThat(end).as("end marker after the start marker").isGreaterThan(start);
    List<String> block = lines.subList(start + 1, end);
    assertThat(block.get(0)).isEqualTo("| code | status | meaning |");
    assertThat(block.get(1)).matches("^\\|(-+\\|)+$");
    return block.subList(2, block.size()).stream().filter(l -> !l.isBlank()).toList();
  }
}
