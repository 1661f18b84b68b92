package dev.warden.server.adapter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A fake upstream: the JDK's HTTP server on 127.0.0.1 with a free port, recording every request it
 * receives. The handler decides the answer; {@link #release} ends handlers that wait.
 */
final class Upstream implements AutoCloseable {

  /** One received request. */
  record Received(
      String method,
      String rawPath,
      @Nullable String rawQuery,
      Map<String, List<String>> headers,
      byte[] body,
      List<SNIServerName> serverNames) {
    @Nullable String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().getFirst();
        }
      }
      return null;
    }
  }

  /** Writes the answer for a request. */
  @FunctionalInterface
  interface Answer {
    void write(HttpExchange exchange, Upstream upstream) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);

  private Upstream(HttpServer server, Answer answer) {
    this.server = server;
    HttpHandler handler =
        exchange -> {
          try (exchange) {
            List<SNIServerName> names =
                exchange instanceof HttpsExchange https
                    ? ((ExtendedSSLSession) https.getSSLSession()).getRequestedServerNames()
                    : List.of();
            received.add(
                new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    exchange.getRequestBody().readAllBytes(),
                    names));
            answer.write(exchange, this);
          }
        };
    server.createContext("/", handler);
    server.setExecutor(executor);
    server.start();
  }

  /** A plain HTTP upstream. */
  static Upstream http(Answer answer) throws IOException {
    return new Upstream(
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), answer);
  }

  /** An HTTPS upstream presenting the certificate in {@code tls}. */
  static Upstream https(SSLContext tls, Answer answer) throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    return new Upstream(server, answer);
  }

  /** Answers {@code status} with {@code body} and a Content-Length. */
  static Answer fixed(int status, byte[] body) {
    return (exchange, upstream) -> {
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
    };
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The requests received so far, in order. */
  List<Received> received() {
    return List.copyOf(received);
  }

  /** Waits until {@link #release} or close; for handlers that must outlast a client timeout. */
  void awaitRelease() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
