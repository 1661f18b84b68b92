package dev.warden.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An upstream in the test's JVM that holds every request until {@link #release} (at most a minute),
 * then answers 200: the action is running, as long as the test wants it to.
 */
final class HoldingUpstream implements AutoCloseable {
  private final HttpServer server;
  private final Semaphore arrived = new Semaphore(0);
  private final AtomicReference<CountDownLatch> hold = new AtomicReference<>(new CountDownLatch(1));
  private final AtomicInteger requests = new AtomicInteger();

  HoldingUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            CountDownLatch held = hold.get();
            arrived.release();
            try {
              held.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
          }
        });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** warden.yaml's {@code adapters:} with {@code payments-api} running {@code payments.*} here. */
  String adapterConfig() {
    return """
        adapters:
          - id: payments-api
            type: http
            actions: ["payments.*"]
            method: POST
            url: "http://127.0.0.1:%d/transfers"
            allow_private: true
            body: params
            timeout: {read: 1m}
        """
        .formatted(port());
  }

  /** Waits up to {@code seconds} for the next request to arrive; whether it did. */
  boolean awaitRequest(long seconds) throws InterruptedException {
    return arrived.tryAcquire(seconds, TimeUnit.SECONDS);
  }

  /** Answers the requests held so far; later ones are held again. */
  void release() {
    hold.getAndSet(new CountDownLatch(1)).countDown();
  }

  /** Requests received so far. */
  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    hold.get().countDown();
    server.stop(0);
  }
}
