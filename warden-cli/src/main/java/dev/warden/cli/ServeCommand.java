package dev.warden.cli;

import dev.warden.crypto.KeyFileException;
import dev.warden.crypto.KeyProtection;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.WardenServer;
import dev.warden.server.http.HttpServerFactory;
import dev.warden.server.logging.LogFormat;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Warden server on a data directory made by 'warden init'.",
      "",
      "Listens on 127.0.0.1 unless told otherwise; a non-loopback address needs"
          + " --allow-public-bind and TLS (tls.cert and tls.key in warden.yaml) or"
          + " --behind-tls-proxy. Stops cleanly on Ctrl-C or SIGTERM, after writing what is"
          + " queued to the log."
    })
final class ServeCommand implements Callable<Integer> {
  @Mixin DataDirOption data;

  @Mixin StoreOption store;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Override warden.yaml's listen address.")
  String listen;

  @Option(
      names = "--allow-public-bind",
      description = "Allow a non-loopback listen address (TLS still required).")
  boolean allowPublicBind;

  @Option(
      names = "--behind-tls-proxy",
      description =
          "Connections arrive through a TLS-terminating proxy; agents sign https:// URLs.")
  boolean behindTlsProxy;

  @Option(
      names = "--insecure-no-operator-auth",
      description =
          "Development only: operator endpoints need no token. Warned about at every start,"
              + " logged, and refused on a non-loopback address.")
  boolean insecureNoOperatorAuth;

  @Option(
      names = "--insecure-plaintext-keys",
      description =
          "Development only: accept unencrypted private key files. Warned about at every start"
              + " and logged.")
  boolean insecurePlaintextKeys;

  @Option(
      names = "--log-format",
      paramLabel = "json|text",
      description =
          "Log lines on stderr as JSON objects (the default, for log collectors) or as text for"
              + " people. Secrets are masked in both. Without it, logback.xml (or"
              + " -Dlogback.configurationFile) decides.")
  String logFormat;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (logFormat != null) {
      try {
        LogFormat.parse(logFormat).apply();
      } catch (IllegalArgumentException e) {
        System.err.println("warden: " + e.getMessage());
        return 2;
      }
    }
    DataDir d;
    try {
      d = store.apply(data.dataDir());
    } catch (IllegalArgumentException e) {
      System.err.println("warden: --store: " + e.getMessage());
      return 2;
    }
    if (!Files.isRegularFile(d.config())) {
      System.err.println(
          "warden: "
              + d.root()
              + " is not a Warden data directory; create one with: warden init --data-dir "
              + d.root());
      return 2;
    }
    ServerConfig cfg =
        ServerConfig.load(d)
            .withFlags(
                new ServerConfig.Flags(allowPublicBind, behindTlsProxy, insecureNoOperatorAuth));
    if (listen != null) {
      cfg = cfg.withListen(listen);
    }
    KeyProtection keys;
    try {
      keys = KeyProtection.fromEnvironment(Main.env(spec), insecurePlaintextKeys);
    } catch (KeyFileException e) {
      System.err.println("warden: " + e.getMessage());
      return 2;
    }
    WardenServer server;
    try {
      server = WardenServer.start(d, cfg, Clock.systemUTC(), new SecureRandom(), keys);
    } catch (WardenServer.StartupException e) {
      System.err.println("warden: " + e.getMessage());
      return 2;
    }
    // SIGHUP reloads the TLS files (changed files are also noticed within seconds without it).
    HttpServerFactory.installSighup();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    System.out.println(
        "Warden is listening on "
            + server.url()
            + "  (data: "
            + d.root()
            + (d.store() == null ? "" : ", state: " + d.storeName())
            + ")");
    stopped.await();
    return 0;
  }
}
