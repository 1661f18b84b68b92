package dev.warden.cli;

import com.sun.net.httpserver.HttpServer;
import dev.warden.crypto.KeyPassphrase;
import dev.warden.server.DataDir;
import dev.warden.store.Store;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.postgresql.PostgresStore;
import dev.warden.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Warden that {@code warden bench} measures: initialized in a temporary directory and run as a
 * separate process of the same jar (so its memory is its own), with a policy that allows the
 * bench's action and, in act mode, an http adapter to a no-op upstream served here. With a
 * PostgreSQL store it can be several replicas: processes on copies of the one data directory,
 * sharing the database.
 */
final class BenchServer implements AutoCloseable {
  private static final String POLICY =
      """
      version: 1
      rules:
        - id: bench
          effect: allow
          match: {action: "bench.*"}
      """;

  private final DataDir dir;
  private final List<Process> processes;
  private final List<URI> urls;
  private final String adminToken;
  private final @Nullable HttpServer upstream;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Thread> samplers = new ArrayList<>();
  private volatile long peakRssKib;

  private BenchServer(
      DataDir dir,
      List<Process> processes,
      List<URI> urls,
      String adminToken,
      @Nullable HttpServer upstream) {
    this.dir = dir;
    this.processes = processes;
    this.urls = urls;
    this.adminToken = adminToken;
    this.upstream = upstream;
    for (Process p : processes) {
      samplers.add(Thread.ofPlatform().daemon().name("bench-rss").start(() -> sample(p)));
    }
  }

  /**
   * @param jvmOptions extra options of the servers' JVMs (e.g. {@code -XX:StartFlightRecording=…}
   *     to profile them)
   * @param store an empty PostgreSQL database for the state, or null for the data directory's
   *     SQLite
   * @param replicas how many servers to run (more than one needs {@code store})
   */
  static BenchServer start(
      Path root,
      boolean act,
      List<String> jvmOptions,
      @Nullable String store,
      int replicas,
      PrintStream err)
      throws Exception {
    if (replicas > 1 && store == null) {
      throw new IllegalArgumentException("replicas share a PostgreSQL store: give --store");
    }
    Path data = root.resolve("data");
    Path log = root.resolve("server.log");
    List<String> storeArgs = store == null ? List.of() : List.of("--store", store);
    List<String> init =
        new ArrayList<>(List.of("init", "--data-dir", data.toString(), "--listen", "127.0.0.1:0"));
    init.addAll(storeArgs);
    run(init, List.of(), log);
    DataDir dir = new DataDir(data).withStore(store);
    Files.writeString(dir.policy(), POLICY);
    HttpServer upstream = act ? noopUpstream(dir) : null;
    List<Process> processes = new ArrayList<>();
    List<URI> urls = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      Path d = i == 0 ? data : root.resolve("data-" + i);
      if (i > 0) {
        copyTree(data, d); // a replica is a copy of the data directory (its keys, its config)
      }
      Path replicaLog = i == 0 ? log : root.resolve("server-" + i + ".log");
      err.println("warden bench: starting a Warden in " + d + " (its log: " + replicaLog + ")");
      List<String> serve = new ArrayList<>(List.of("serve", "--data-dir", d.toString()));
      serve.addAll(storeArgs);
      Process p = launch(serve, jvmOptions, replicaLog);
      processes.add(p);
      urls.add(awaitUrl(new DataDir(d), p, replicaLog));
    }
    return new BenchServer(dir, processes, urls, dir.loadAdminToken(), upstream);
  }

  /** A local upstream answering every request 200, and the adapter that calls it. */
  private static HttpServer noopUpstream(DataDir dir) throws IOException {
    HttpServer upstream =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    upstream.createContext(
        "/",
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            byte[] ok = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
          }
        });
    upstream.start();
    Files.writeString(
        dir.config(),
        Files.readString(dir.config())
            + "\nadapters:\n  - id: noop\n    type: http\n    actions: [\"bench.*\"]\n"
            + "    method: POST\n    url: \"http://127.0.0.1:"
            + upstream.getAddress().getPort()
            + "/noop\"\n    allow_private: true\n");
    return upstream;
  }

  /** Each server's address, one per replica. */
  List<URI> urls() {
    return urls;
  }

  /** POSTs an admin request to the first server; anything but 201 is an error. */
  void admin(String path, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(urls.get(0).resolve(path))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /**
   * CPU time the server processes have used so far (user + system, all replicas), in milliseconds;
   * 0 where {@code /proc} is not there.
   */
  long cpuMillis() {
    return processes.stream().mapToLong(BenchServer::cpuMillis).sum();
  }

  private static long cpuMillis(Process process) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // Fields after the command name (which may hold spaces) start after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      return ticks * 1000 / CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** USER_HZ of Linux, 100 on every common architecture. */
  private static final long CLOCK_TICKS = 100;

  void resetPeakRss() {
    peakRssKib = 0;
  }

  /** The largest RSS any one server process reached since the last reset. */
  double peakRssMib() {
    return peakRssKib / 1024.0;
  }

  private void sample(Process process) {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    while (process.isAlive()) {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmRSS:")) {
            long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
            synchronized (this) {
              peakRssKib = Math.max(peakRssKib, kib);
            }
          }
        }
        Thread.sleep(100);
      } catch (IOException | NumberFormatException e) {
        return; // no /proc (not Linux) or the process is gone: RSS is reported as 0
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops the servers (as SIGTERM does: the log is drained and the store closed). */
  void stop() throws InterruptedException {
    processes.forEach(Process::destroy);
    for (Process p : processes) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    samplers.forEach(Thread::interrupt);
  }

  /** Commit batch sizes: one checkpoint is signed per batch, so they are its size steps. */
  record Batches(long count, double mean, long p50, long max) {}

  Batches batches() throws Exception {
    try (Store store =
        dir.store() == null
            ? SqliteStore.openForAudit(dir.database())
            : PostgresStore.openForAudit(dir.store())) {
      List<Long> sizes = new ArrayList<>();
      long from = 0;
      while (true) {
        List<StoredCheckpoint> page = store.log().checkpoints(from, 10_000);
        if (page.isEmpty()) {
          break;
        }
        page.forEach(c -> sizes.add(c.size()));
        from = page.get(page.size() - 1).size() + 1;
      }
      long[] steps = new long[sizes.size()];
      long previous = 0;
      for (int i = 0; i < steps.length; i++) {
        steps[i] = sizes.get(i) - previous;
        previous = sizes.get(i);
      }
      if (steps.length == 0) {
        return new Batches(0, 0, 0, 0);
      }
      Arrays.sort(steps);
      return new Batches(
          steps.length,
          (double) previous / steps.length,
          steps[steps.length / 2],
          steps[steps.length - 1]);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (processes.stream().anyMatch(Process::isAlive)) {
      stop();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  private static void run(List<String> args, List<String> jvmOptions, Path log) throws Exception {
    Process p = launch(args, jvmOptions, log);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "warden " + args.get(0) + " failed; see " + log + ":\n" + tail(log));
    }
  }

  /** The heap cap {@code ./warden} gives a server without an {@code -Xmx} of its own. */
  private static final String DEFAULT_HEAP = "-Xmx384m";

  /**
   * The key passphrase of the throwaway data directory: random, held by this process only and
   * handed to the Warden processes it starts (never on a command line).
   */
  private static final String PASSPHRASE = randomPassphrase();

  private static String randomPassphrase() {
    byte[] b = new byte[24];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * Runs this jar's {@code Main} with {@code args} in a new JVM, output appended to {@code log}.
   */
  private static Process launch(List<String> args, List<String> jvmOptions, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Xmx"))) {
      cmd.add(DEFAULT_HEAP);
    }
    cmd.addAll(jvmOptions);
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().remove(KeyPassphrase.ENV_FILE);
    pb.environment().put(KeyPassphrase.ENV, PASSPHRASE);
    return pb.start();
  }

  private static URI awaitUrl(DataDir dir, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the server exited; see " + log + ":\n" + tail(log));
      }
      if (Files.exists(dir.serverAddress())) {
        String s = Files.readString(dir.serverAddress()).strip();
        if (!s.isEmpty()) {
          return URI.create(s);
        }
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new IllegalStateException("the server did not start within 60 s; see " + log);
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  /** Copies a data directory, modes included (the keys stay 0600 in a 0700 directory). */
  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (f.getFileName().toString().equals("server.url")) {
          continue;
        }
        Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
