package dev.warden.cli;

import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of every command that talks to a running server: where it is and whose data it is. */
class ServerOptions {
  @Mixin DataDirOption data;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Server URL (default: the one a running 'warden serve' wrote into the data directory).")
  String url;

  AdminClient client() throws IOException {
    return AdminClient.connect(data.dataDir(), url);
  }
}
