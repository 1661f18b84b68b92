package dev.warden.cli;

import dev.warden.server.DataDir;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir}, shared by every command that works on a Warden data directory. */
final class DataDirOption {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:WARDEN_DATA_DIR:-.warden}",
      description = "Warden's data directory (default: $WARDEN_DATA_DIR or ./.warden).")
  Path dir;

  DataDir dataDir() {
    return new DataDir(dir.toAbsolutePath().normalize());
  }
}
