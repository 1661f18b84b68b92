package dev.warden.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers for tests that run Warden in a child JVM. */
final class ChildJvm {
  private ChildJvm() {}

  /** A {@code warden serve} child JVM. */
  record Server(Process process, URI base, Path stderr) {
    /** SIGKILL, and wait until it is gone. */
    void kill() throws InterruptedException {
      process.toHandle().destroyForcibly();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        fail("child %d did not die within 10 s of SIGKILL", process.pid());
      }
    }

    String stderrTail() {
      return tail(stderr);
    }
  }

  /**
   * Starts {@code warden serve <serveArgs> --listen 127.0.0.1:<free port>} (the test key passphrase
   * in its environment, output in {@code tmp/<name>-<attempt>.out|err}), added to {@code children}
   * at once, and waits until its {@code /readyz} answers 200. A port someone took meanwhile is
   * retried with another.
   */
  static Server serve(
      Path tmp,
      String name,
      List<String> serveArgs,
      HttpClient http,
      List<Process> children,
      Duration timeout)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      Path err = tmp.resolve(name + "-" + attempt + ".err");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  javaBinary(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "--enable-native-access=ALL-UNNAMED",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-Xmx256m",
                  "dev.warden.cli.Main",
                  "serve"));
      cmd.addAll(serveArgs);
      cmd.addAll(List.of("--listen", "127.0.0.1:" + port));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().putAll(TestKeys.ENV_MAP); // the child's; ours is never changed
      Process p =
          pb.redirectOutput(tmp.resolve(name + "-" + attempt + ".out").toFile())
              .redirectError(err.toFile())
              .start();
      children.add(p);
      p.getOutputStream().close();
      Server server = new Server(p, URI.create("http://127.0.0.1:" + port), err);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        if (!p.isAlive()) {
          String why = tail(err);
          if (attempt < 3 && why.contains("ddress already in use")) {
            break; // someone took the free port: try another
          }
          fail("the server exited with %d before it was ready; stderr:%n%s", p.exitValue(), why);
        }
        if (ready(http, server)) {
          return server;
        }
        if (System.nanoTime() > deadline) {
          server.kill();
          fail("the server was not ready within %s; stderr:%n%s", timeout, tail(err));
        }
        Thread.sleep(50);
      }
    }
  }

  /** Whether {@code server} answers {@code /readyz} with 200 now. */
  static boolean ready(HttpClient http, Server server) throws InterruptedException {
    try {
      return http.send(
                  HttpRequest.newBuilder(server.base().resolve("/readyz"))
                      .timeout(Duration.ofSeconds(2))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false; // not listening (yet, or any more)
    }
  }

  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String tail(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8);
      return s.length() <= 4000 ? s : "…" + s.substring(s.length() - 4000);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
