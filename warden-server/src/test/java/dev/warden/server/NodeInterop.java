package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The independent implementations in src/test/node (npm packages http-message-signatures and jose):
 * installs them with {@code npm ci} when missing and runs their scripts. Node.js is required, not
 * optional: these tests are the evidence that Warden interoperates.
 */
final class NodeInterop {
  static final Path DIR = Path.of("src/test/node").toAbsolutePath();
  private static final List<String> PACKAGES =
      List.of(
          "http-message-signatures",
          "jose",
          "@modelcontextprotocol/sdk",
          "@modelcontextprotocol/server-everything",
          "@modelcontextprotocol/server-filesystem");

  private NodeInterop() {}

  /** A finished script: exit code and standard output. */
  record Result(int exit, String out, String err) {}

  static synchronized void ensureInstalled() throws Exception {
    if (PACKAGES.stream()
        .allMatch(p -> Files.isDirectory(DIR.resolve("node_modules").resolve(p)))) {
      return;
    }
    Result r = run(List.of("npm", "ci", "--no-audit", "--no-fund"));
    assertThat(r.exit()).as("npm ci failed: %s", r.err()).isZero();
  }

  static Result run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s did not finish", cmd).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), err);
  }
}
