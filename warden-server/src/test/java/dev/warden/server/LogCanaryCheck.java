package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * Run by its own surefire execution after every other test of this module (in {@code verify}, see
 * warden-server/pom.xml): reads every line the test run logged, unredacted ({@code
 * logback-test.xml} writes them to {@code target/test-logs/all.log}), and fails on any {@link
 * Canaries} secret or anything shaped like a Warden token, a PEM private key or a bearer
 * credential. Named *Check so the ordinary test execution does not pick it up.
 */
class LogCanaryCheck {
  @Test
  void testRunLog_holdsNoSecret() throws Exception {
    String file = System.getProperty("warden.test.log.check");
    assertThat(file).as("set by the log-canaries execution").isNotNull();
    Path log = Path.of(file);
    // A targeted run of tests that start no logger leaves no file: nothing to check then.
    assumeTrue(Files.exists(log), "no test logged anything (" + log + " is missing)");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    List<String> leaks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      for (String c : Canaries.ALL) {
        if (line.contains(c)) {
          leaks.add((i + 1) + ": canary " + c.substring(0, 10) + "…");
        }
      }
      Matcher m = Canaries.SHAPES.matcher(line);
      if (m.find()) {
        leaks.add((i + 1) + ": secret-shaped " + m.group().substring(0, 8) + "…: " + line);
      }
    }
    assertThat(leaks).as("lines of " + log + " that hold secrets").isEmpty();
  }
}
