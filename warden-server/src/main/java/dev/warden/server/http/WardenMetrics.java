package dev.warden.server.http;

import dev.warden.error.ErrorCode;
import dev.warden.log.Checkpointer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Warden's meters, served at {@code /metrics} in the Prometheus text format. Every meter is
 * registered up front and tagged only with values from a closed set (an outcome, an error code, a
 * status class), never with agent ids or anything else a client chooses, so the hot path is a
 * lookup and an add and the number of series is fixed.
 */
public final class WardenMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter allow;
  private final Counter deny;
  private final Counter pending;
  private final Map<ErrorCode, Counter> refusals = new EnumMap<>(ErrorCode.class);
  private final Timer[] requests = new Timer[6];
  private final DistributionSummary batchSize;
  private final AtomicLong checkpointedSize = new AtomicLong(-1);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public WardenMetrics() {
    allow = decisions("allow");
    deny = decisions("deny");
    pending = decisions("pending");
    for (ErrorCode c : ErrorCode.values()) {
      refusals.put(
          c,
          Counter.builder("warden.refusals")
              .description("requests refused with a problem document, by code")
              .tag("code", c.code())
              .register(registry));
    }
    for (int i = 1; i < requests.length; i++) {
      requests[i] =
          Timer.builder("warden.http.requests")
              .description("time to answer an HTTP request, by status class")
              .tag("status", i + "xx")
              .publishPercentileHistogram()
              .register(registry);
    }
    batchSize =
        DistributionSummary.builder("warden.log.group_commit.batch_size")
            .description("entries per group commit (one fsync, one checkpoint)")
            .baseUnit("entries")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue(1024.0)
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** Publishes the log's size, read when scraped. */
  public void logSize(LongSupplier logSize) {
    Gauge.builder("warden.log.size", logSize, s -> (double) s.getAsLong())
        .description("entries in the log")
        .baseUnit("entries")
        .strongReference(true) // the supplier is a lambda nothing else holds
        .register(registry);
  }

  private Counter decisions(String outcome) {
    return Counter.builder("warden.decisions")
        .description("decisions answered, by outcome (idempotent replays not counted)")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Counts a decision by the {@code decision} member of its canonical JSON body. */
  void decision(byte[] body) {
    String outcome = DecisionOutcome.of(body);
    switch (outcome) {
      case "allow" -> allow.increment();
      case "deny" -> deny.increment();
      case "pending" -> pending.increment();
      default -> {}
    }
  }

  void refusal(ErrorCode code) {
    refusals.get(code).increment();
  }

  void request(int status, long nanos) {
    int cls = status / 100;
    if (cls >= 1 && cls <= 5) {
      requests[cls].record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Wraps the log's checkpoint signer: it signs once per group commit, so the growth of the signed
   * size between two calls is the batch's size.
   */
  public Checkpointer observing(Checkpointer signer) {
    return new Checkpointer() {
      @Override
      public String sign(long size, byte[] root) {
        String note = signer.sign(size, root);
        long before = checkpointedSize.getAndSet(size);
        if (before >= 0 && size > before) {
          batchSize.record(size - before);
        }
        return note;
      }
    };
  }

  /** The Prometheus text exposition (format 0.0.4). */
  byte[] scrape() {
    return registry.scrape().getBytes(StandardCharsets.UTF_8);
  }

  /** Stops what the JVM meters started (the GC listener). */
  public void close() {
    gc.close();
    registry.close();
  }

  /** Reads the top-level {@code decision} member of a decision document. */
  static final class DecisionOutcome {
    private static final com.fasterxml.jackson.core.JsonFactory JSON =
        new com.fasterxml.jackson.core.JsonFactory();

    private DecisionOutcome() {}

    static String of(byte[] body) {
      // Streaming over the top level only: nested members (an action's params) are skipped, so
      // nothing an agent sends can be mistaken for the outcome.
      try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(body)) {
        if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
          return "";
        }
        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
          String name = p.currentName();
          com.fasterxml.jackson.core.JsonToken t = p.nextToken();
          if ("decision".equals(name) && t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
            return p.getText();
          }
          p.skipChildren();
        }
      } catch (java.io.IOException e) {
        // not a decision document: not counted
      }
      return "";
    }
  }
}
