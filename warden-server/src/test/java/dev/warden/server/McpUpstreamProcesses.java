package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Real upstream MCP servers from npm (and the hostile ones of {@code src/test/node}) as child
 * processes of a test, each on a free loopback port; all are killed on {@link #close}.
 */
final class McpUpstreamProcesses implements AutoCloseable {
  static final Path MODULES = NodeInterop.DIR.resolve("node_modules");
  static final Path EVERYTHING =
      MODULES.resolve("@modelcontextprotocol/server-everything/dist/index.js");
  static final Path FILESYSTEM =
      MODULES.resolve("@modelcontextprotocol/server-filesystem/dist/index.js");

  private final List<Process> started = new ArrayList<>();

  /** {@code server-everything} over Streamable HTTP; its URL. */
  String everything() throws Exception {
    int port = freePort();
    start(
        List.of("node", EVERYTHING.toString(), "streamableHttp"),
        port,
        line -> line.contains("listening on port"));
    return "http://127.0.0.1:" + port + "/mcp";
  }

  /** The hostile HTTP upstream ({@code sleep}, {@code crash}, {@code echo}); its URL. */
  String hanging() throws Exception {
    int port = freePort();
    start(
        List.of("node", NodeInterop.DIR.resolve("mcp-upstream-hang.mjs").toString()),
        port,
        line -> line.contains("\"listening\""));
    return "http://127.0.0.1:" + port + "/mcp";
  }

  private void start(List<String> cmd, int port, Predicate<String> ready) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(NodeInterop.DIR.toFile());
    pb.environment().put("PORT", Integer.toString(port));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    started.add(p);
    CompletableFuture<Void> up = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  if (ready.test(line)) {
                    up.complete(null);
                  }
                }
              } catch (IOException e) {
                up.completeExceptionally(e);
              }
              up.completeExceptionally(new IllegalStateException(cmd + " exited before ready"));
            });
    up.get(30, TimeUnit.SECONDS);
    assertThat(p.isAlive()).isTrue();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
