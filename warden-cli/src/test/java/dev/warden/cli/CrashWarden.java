package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.warden.httpsig.MessageSigner;
import dev.warden.httpsig.SigningKey;
import dev.warden.server.DataDir;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code warden serve} as a child JVM on a data directory, for the crash tests: started until
 * {@code /readyz} answers, killed with SIGKILL, and talked to as an agent (signed requests) or an
 * operator (the admin token). Every process started is remembered so that {@link #killAll} leaves
 * none behind.
 */
final class CrashWarden {
  static final Duration START_TIMEOUT = Duration.ofSeconds(40);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final DataDir data;
  private final Path logs;
  private final String context;
  private final List<Process> children = Collections.synchronizedList(new ArrayList<>());
  private int generation;

  /**
   * @param logs where the children's stdout and stderr go
   * @param context what failure messages start with (e.g. the seed)
   */
  CrashWarden(DataDir data, Path logs, String context) {
    this.data = data;
    this.logs = logs;
    this.context = context;
  }

  DataDir data() {
    return data;
  }

  /** A running child and the client that talks to it. */
  final class Child {
    final Process process;
    final URI base;
    final Path stderr;
    final HttpClient http;

    Child(Process process, URI base, Path stderr, HttpClient http) {
      this.process = process;
      this.base = base;
      this.stderr = stderr;
      this.http = http;
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() throws InterruptedException {
      process.toHandle().destroyForcibly();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        fail("child %d did not die within 10 s of SIGKILL", process.pid());
      }
    }

    String describe() {
      return "child pid " + process.pid() + " on " + base + " (stderr " + stderr + ")";
    }

    String stderrTail() {
      return ChildJvm.tail(stderr);
    }

    /** A signed request with this nonce, a current {@code created} and optional extra headers. */
    HttpResponse<String> send(
        SigningKey key, String path, String body, String nonce, Map<String, String> extra)
        throws IOException, InterruptedException {
      URI target = base.resolve(path);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "application/json");
      headers.putAll(extra);
      Map<String, String> added =
          MessageSigner.of(key)
              .sign("POST", target, headers, bytes, System.currentTimeMillis() / 1000, null, nonce);
      HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(REQUEST_TIMEOUT);
      headers.forEach(b::header);
      added.forEach(b::header);
      return http.send(
          b.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** An operator request with the admin token; {@code body} null for a GET. */
    HttpResponse<String> admin(String method, String path, @Nullable String body)
        throws IOException, InterruptedException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(REQUEST_TIMEOUT)
              .header("Authorization", "Bearer " + data.loadAdminToken());
      if (body == null) {
        b.GET();
      } else {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Registers {@code key} as an Ed25519 agent of tenant {@code acme}. */
    void registerAgent(String agent, SigningKey key) throws Exception {
      HttpResponse<String> r =
          admin(
              "POST",
              "/v1/admin/agents",
              AuditFixture.agentJson(agent, key.publicKey().orElseThrow()));
      assertThat(r.statusCode()).as("%s: agent create: %s", context, r.body()).isEqualTo(201);
    }
  }

  /** Starts a child on a free port and waits until {@code /readyz} answers 200. */
  Child start() throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    try {
      ChildJvm.Server s =
          ChildJvm.serve(
              logs,
              "child-" + ++generation,
              List.of("--data-dir", data.root().toString()),
              http,
              children,
              START_TIMEOUT);
      return new Child(s.process(), s.base(), s.stderr(), http);
    } catch (AssertionError e) {
      http.shutdownNow();
      throw new AssertionError(context + ": " + e.getMessage(), e);
    }
  }

  /** Kills every child this started that may still run, and waits for them. */
  void killAll() throws InterruptedException {
    List<Process> all;
    synchronized (children) {
      all = new ArrayList<>(children);
    }
    for (Process p : all) {
      p.toHandle().destroyForcibly();
    }
    for (Process p : all) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
