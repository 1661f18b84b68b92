package dev.warden.cli;

import dev.warden.server.DataDir;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --store}, for the commands that open the state themselves (init, serve, audit verify): a
 * PostgreSQL database shared by replicas instead of the data directory's {@code warden.db}.
 */
final class StoreOption {
  @Option(
      names = "--store",
      paramLabel = "URL",
      defaultValue = "${env:WARDEN_STORE}",
      description =
          "Keep the state in PostgreSQL instead of DIR/warden.db:"
              + " postgresql://host[:port]/database?user=U (default: $WARDEN_STORE). Prefer"
              + " ~/.pgpass or $WARDEN_STORE to a password on the command line.")
  @Nullable String url;

  DataDir apply(DataDir d) {
    return url == null || url.isBlank() ? d : d.withStore(url);
  }
}
