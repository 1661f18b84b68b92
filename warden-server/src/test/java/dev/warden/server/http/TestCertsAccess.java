package dev.warden.server.http;

import java.nio.file.Path;

/** {@link TestCerts} for tests in other packages. */
public final class TestCertsAccess {
  private TestCertsAccess() {}

  /** A self-signed server certificate and key: {@code <name>.pem}, {@code <name>.key}. */
  public static void server(Path dir, String name) throws Exception {
    TestCerts.server(dir, name);
  }
}
