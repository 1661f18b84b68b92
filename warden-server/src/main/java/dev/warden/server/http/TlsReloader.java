package dev.warden.server.http;

import dev.warden.server.ServerConfig;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the TLS certificate chain, key and client CA bundle while the server runs: when their
 * bytes change (checked every {@link #POLL}) and on SIGHUP ({@link #installSighup}). Jetty's {@link
 * SslContextFactory#reload} swaps the context for new handshakes; open connections keep theirs and
 * are not dropped. Files that cannot be used (half written, key not matching the certificate, key
 * readable by others) leave the old certificate in place and are logged as an error, once per
 * content.
 */
final class TlsReloader extends AbstractLifeCycle {
  private static final Logger log = LoggerFactory.getLogger(TlsReloader.class);
  static final Duration POLL = Duration.ofSeconds(2);
  private static final Set<TlsReloader> RUNNING = ConcurrentHashMap.newKeySet();

  private final ServerConfig cfg;
  private final SslContextFactory.Server factory;
  private final Duration poll;
  private byte[] loaded = new byte[0];
  private byte[] failed = new byte[0];
  private @Nullable ScheduledExecutorService timer;

  TlsReloader(ServerConfig cfg, SslContextFactory.Server factory, Duration poll) {
    this.cfg = cfg;
    this.factory = factory;
    this.poll = poll;
    try {
      this.loaded = Tls.fingerprint(cfg);
    } catch (IOException e) {
      // The factory was just built from these files; the first poll compares again.
    }
  }

  @Override
  protected void doStart() {
    ScheduledExecutorService t =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("warden-tls-reload").unstarted(r));
    t.scheduleWithFixedDelay(
        () -> reloadIfChanged(false), poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    timer = t;
    RUNNING.add(this);
  }

  @Override
  protected void doStop() {
    RUNNING.remove(this);
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /**
   * Reads the files and, if they changed (or {@code force}), makes them the context of new
   * handshakes.
   *
   * @return whether new material is in use
   */
  synchronized boolean reloadIfChanged(boolean force) {
    byte[] now;
    try {
      now = Tls.fingerprint(cfg);
    } catch (IOException e) {
      log.error(
          "TLS reload: cannot read the files, keeping the current certificate: {}", e.getMessage());
      return false;
    }
    if (!force && (MessageDigest.isEqual(now, loaded) || MessageDigest.isEqual(now, failed))) {
      return false;
    }
    try {
      Tls.Material m = Tls.load(cfg);
      factory.reload(f -> Tls.apply(f, m));
      loaded = now;
      failed = new byte[0];
      log.info("TLS reload: new certificate from {} in use for new connections", cfg.tlsCert());
      return true;
    } catch (Exception e) {
      failed = now;
      log.error(
          "TLS reload: keeping the current certificate; the new files cannot be used: {}",
          e.getMessage());
      return false;
    }
  }

  /** Reloads every running server's TLS files now (what SIGHUP does). */
  static void reloadAll() {
    for (TlsReloader r : RUNNING) {
      r.reloadIfChanged(true);
    }
  }

  /**
   * Makes SIGHUP reload the TLS files of every server in this process. Java has no supported API
   * for signals; this uses {@code sun.misc.Signal} from the {@code jdk.unsupported} module
   * (exported, and stable since JDK 9), through reflection so the build needs no internal API.
   * Where it is missing, changed files are still picked up within {@link #POLL}.
   *
   * @return whether the handler is installed
   */
  public static boolean installSighup() {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object h =
          Proxy.newProxyInstance(
              handler.getClassLoader(),
              new Class<?>[] {handler},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "handle" -> {
                      Thread.ofVirtual().name("warden-sighup").start(TlsReloader::reloadAll);
                      yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "warden SIGHUP handler";
                  });
      signal
          .getMethod("handle", signal, handler)
          .invoke(null, signal.getConstructor(String.class).newInstance("HUP"), h);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.warn(
          "SIGHUP cannot be handled here ({}); TLS files are still reloaded when they change",
          e.toString());
      return false;
    }
  }
}
