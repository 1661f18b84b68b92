package dev.warden.bench.load;

import dev.warden.httpsig.MessageSigner;
import dev.warden.httpsig.SigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives pre-signed requests at a Warden over keep-alive connections and measures what comes back.
 * Signing happens before the clock starts (each request with its own nonce), so the client costs
 * little more than writing bytes and reading answers.
 */
public final class LoadRun {
  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([a-z_.]+)\"");

  private LoadRun() {}

  /**
   * Where the requests go.
   *
   * @param path {@code /v1/decisions} or {@code /v1/actions}
   */
  public record Target(InetSocketAddress address, String path) {
    String hostHeader() {
      return address.getHostString() + ":" + address.getPort();
    }

    URI uri() {
      return URI.create("http://" + hostHeader() + path);
    }
  }

  /**
   * Signs {@code n} requests, spread round robin over {@code agents}; request {@code i}'s body is
   * {@code {"action": action, "resource": "r/<i>"}}.
   */
  public static List<byte[]> presign(Target t, List<SigningKey> agents, int n, String action) {
    SecureRandom random = new SecureRandom();
    List<byte[]> out = new ArrayList<>(n);
    long created = System.currentTimeMillis() / 1000;
    for (int i = 0; i < n; i++) {
      SigningKey key = agents.get(i % agents.size());
      byte[] body =
          ("{\"action\":\"" + action + "\",\"resource\":\"r/" + i + "\"}")
              .getBytes(StandardCharsets.UTF_8);
      byte[] nonce = new byte[16];
      random.nextBytes(nonce);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "application/json");
      Map<String, String> added =
          MessageSigner.of(key)
              .sign(
                  "POST",
                  t.uri(),
                  headers,
                  body,
                  created,
                  null,
                  Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
      headers.putAll(added);
      ByteArrayOutputStream req = new ByteArrayOutputStream(body.length + 600);
      StringBuilder head = new StringBuilder(600);
      head.append("POST ").append(t.path()).append(" HTTP/1.1\r\n");
      head.append("Host: ").append(t.hostHeader()).append("\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      req.writeBytes(RawConnection.ascii(head.toString()));
      req.writeBytes(body);
      out.add(req.toByteArray());
    }
    return out;
  }

  /** What one run measured. */
  public record Result(
      int connections,
      long answered,
      double seconds,
      long[] latencyNanos,
      Map<String, Long> errors) {

    public double throughput() {
      return answered / seconds;
    }

    /** The latency at quantile {@code q} (0..1), in milliseconds. */
    public double latencyMs(double q) {
      if (latencyNanos.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(latencyNanos.length - 1, Math.ceil(q * latencyNanos.length) - 1);
      return latencyNanos[Math.max(0, i)] / 1e6;
    }

    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Sends every request of {@code requests} once over {@code connections} connections, each taking
   * the next unsent request as soon as its previous answer is read (closed loop).
   *
   * @param expected the status every answer should have (200); anything else is counted as an error
   *     by status and problem code
   */
  public static Result run(Target t, List<byte[]> requests, int connections, int expected)
      throws InterruptedException {
    return run(List.of(t), List.of(requests), connections, expected);
  }

  /**
   * The same against several servers (replicas): connection {@code c} goes to {@code targets[c %
   * n]} and sends the requests signed for it, {@code requests[c % n]}.
   */
  public static Result run(
      List<Target> targets, List<List<byte[]>> requests, int connections, int expected)
      throws InterruptedException {
    if (targets.size() != requests.size() || connections < targets.size()) {
      throw new IllegalArgumentException(
          "one request list per target, and at least one connection per target");
    }
    List<AtomicInteger> next = targets.stream().map(t -> new AtomicInteger()).toList();
    long[] latencies = new long[requests.stream().mapToInt(List::size).sum()];
    AtomicInteger measured = new AtomicInteger();
    Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      Target t = targets.get(c % targets.size());
      List<byte[]> mine = requests.get(c % targets.size());
      AtomicInteger cursor = next.get(c % targets.size());
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (RawConnection conn = new RawConnection(t.address())) {
                      for (int i = cursor.getAndIncrement();
                          i < mine.size();
                          i = cursor.getAndIncrement()) {
                        long s = System.nanoTime();
                        RawConnection.Answer a = conn.exchange(mine.get(i));
                        latencies[measured.getAndIncrement()] = System.nanoTime() - s;
                        if (a.status() != expected) {
                          errors.computeIfAbsent(errorKey(a), k -> new LongAdder()).increment();
                        }
                      }
                    } catch (IOException e) {
                      errors
                          .computeIfAbsent("io: " + e.getMessage(), k -> new LongAdder())
                          .increment();
                    }
                  }));
    }
    for (Thread th : threads) {
      th.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] done = Arrays.copyOf(latencies, measured.get());
    Arrays.sort(done);
    Map<String, Long> errorCounts = new TreeMap<>();
    errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
    return new Result(connections, done.length, seconds, done, errorCounts);
  }

  private static String errorKey(RawConnection.Answer a) {
    Matcher m = CODE.matcher(new String(a.body(), StandardCharsets.UTF_8));
    return a.status() + (m.find() ? " " + m.group(1) : "");
  }
}
