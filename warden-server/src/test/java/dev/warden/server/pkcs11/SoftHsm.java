package dev.warden.server.pkcs11;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A SoftHSM2 token for the tests of this JVM: its own token directory under a temporary directory
 * (never /var/lib/softhsm), created with {@code softhsm2-util} before the library is first loaded,
 * and {@code SOFTHSM2_CONF} set in this process's native environment so the library finds it.
 * SoftHSM2 must be installed ({@code .ci/run} installs it): without it the tests fail, never skip.
 */
public final class SoftHsm {
  public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  public static final String TOKEN = "warden-test";

  /** The JUnit resource lock of test classes that use the token (one may lock it out). */
  public static final String LOCK = "softhsm-token";

  public static final String PIN = "1234-test-pin";
  private static final String SO_PIN = "5678-test-so-pin";

  /** The directory of this JVM's token and its PIN file (mode 0600). */
  public static final Path DIR;

  public static final Path PIN_FILE;

  /** libc's setenv, to point the library at the test token before it is loaded. */
  interface LibC extends Library {
    int setenv(String name, String value, int overwrite);
  }

  static {
    try {
      if (!Files.isRegularFile(LIBRARY)) {
        throw new IllegalStateException(
            LIBRARY
                + " is missing: install SoftHSM2 (apt-get install softhsm2; .ci/run does) to run"
                + " the PKCS#11 tests");
      }
      DIR = Files.createTempDirectory("warden-softhsm-");
      Path tokens = Files.createDirectory(DIR.resolve("tokens"));
      Path conf = DIR.resolve("softhsm2.conf");
      Files.writeString(
          conf,
          "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
      run(
          conf,
          "softhsm2-util",
          "--init-token",
          "--free",
          "--label",
          TOKEN,
          "--so-pin",
          SO_PIN,
          "--pin",
          PIN);
      PIN_FILE = DIR.resolve("pin");
      Files.writeString(
          Files.createFile(
              PIN_FILE,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
          PIN + "\n");
      if (Native.load("c", LibC.class).setenv("SOFTHSM2_CONF", conf.toString(), 1) != 0) {
        throw new IllegalStateException("setenv SOFTHSM2_CONF failed");
      }
    } catch (IOException | InterruptedException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private SoftHsm() {}

  /** A key configuration for a new, unique key label in the test token. */
  public static TokenKey key(String prefix) {
    return new TokenKey(
        LIBRARY,
        TOKEN,
        prefix + "-" + UUID.randomUUID().toString().substring(0, 8),
        new ObjectMapper().valueToTree(Map.of("file", PIN_FILE.toString())),
        "/keys/test/pkcs11");
  }

  /** The {@code pkcs11} mapping of {@code warden.yaml} for {@code key}, as YAML flow text. */
  public static String yaml(TokenKey key) {
    return "{library: "
        + key.library()
        + ", token: "
        + key.token()
        + ", key: "
        + key.key()
        + ", pin: {file: "
        + PIN_FILE
        + "}}";
  }

  /**
   * CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE of the one private
   * key {@code cfg} names, read from the token.
   */
  public static List<Boolean> privateKeyFlags(TokenKey cfg) throws Pkcs11Exception {
    Pkcs11Library lib = Pkcs11Library.load(cfg.library());
    try (Session s = lib.open(lib.slot(cfg.token()))) {
      s.login(PIN.getBytes(StandardCharsets.UTF_8));
      List<TokenObjects.KeyPair> keys = TokenObjects.find(s, cfg.key());
      if (keys.size() != 1) {
        throw new IllegalStateException(keys.size() + " keys labelled " + cfg.key());
      }
      return TokenObjects.protection(s, keys.get(0).privateKey());
    }
  }

  private static void run(Path conf, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
