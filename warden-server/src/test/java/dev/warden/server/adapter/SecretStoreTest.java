package dev.warden.server.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.server.adapter.AdapterConfigException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretStoreTest {

  private static final String VALUE = "s3cr3t-file-value-77";

  @TempDir Path dir;

  private Path secretFile(String content, String mode) throws Exception {
    Path f = dir.resolve("token-" + System.nanoTime());
    Files.writeString(f, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  private static SecretStore load(String yaml, Map<String, String> env)
      throws AdapterConfigException {
    return SecretStore.load(Fixtures.yaml(yaml), env::get);
  }

  private AdapterConfigException refused(String yaml, Map<String, String> env) {
    try {
      load(yaml, env);
    } catch (AdapterConfigException e) {
      assertThat(e.reason()).isIn(Reason.SECRET, Reason.SCHEMA);
      assertThat(e.getMessage()).doesNotContain(VALUE);
      return e;
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void load_envAndFile_resolvedWithOneTrailingNewlineStripped() throws Exception {
    Path lf = secretFile(VALUE + "\n", "rw-------");
    Path crlf = secretFile(VALUE + "\r\n", "r--------");
    SecretStore store =
        load(
            "a: {env: A_TOKEN}\nb: {file: \"%s\"}\nc: {file: \"%s\"}\n".formatted(lf, crlf),
            Map.of("A_TOKEN", "env-value"));

    assertThat(store.get("a").orElseThrow().reveal()).isEqualTo("env-value");
    assertThat(store.get("b").orElseThrow().reveal()).isEqualTo(VALUE);
    assertThat(store.get("c").orElseThrow().reveal()).isEqualTo(VALUE);
    assertThat(store.get("d")).isEmpty();
  }

  @Test
  void load_envUnsetButEnvFileSet_readsTheFile_bothSetRefused() throws Exception {
    Path lf = secretFile(VALUE + "\n", "rw-------");
    SecretStore store = load("a: {env: A_TOKEN}\n", Map.of("A_TOKEN_FILE", lf.toString()));
    assertThat(store.get("a").orElseThrow().reveal()).isEqualTo(VALUE);

    assertThat(
            refused("a: {env: A_TOKEN}\n", Map.of("A_TOKEN", "x", "A_TOKEN_FILE", lf.toString()))
                .getMessage())
        .contains("both A_TOKEN and A_TOKEN_FILE are set");
    Path loose = secretFile(VALUE, "rw-r--r--");
    assertThat(
            refused("a: {env: A_TOKEN}\n", Map.of("A_TOKEN_FILE", loose.toString())).getMessage())
        .contains("chmod 600");
  }

  @Test
  void load_fileReadableByGroupOrOthers_refusedWithTheFix() throws Exception {
    for (String mode : new String[] {"rw-r-----", "rw----r--", "rw-rw-rw-"}) {
      Path f = secretFile(VALUE, mode);
      AdapterConfigException e = refused("t: {file: \"%s\"}".formatted(f), Map.of());

      assertThat(e.pointer()).as(mode).isEqualTo("/secrets/t/file");
      assertThat(e.getMessage()).as(mode).contains(f.toString()).contains("chmod 600");
    }
  }

  @Test
  void load_symlinkToGoodFile_refused() throws Exception {
    Path target = secretFile(VALUE, "rw-------");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);

    AdapterConfigException e = refused("t: {file: \"%s\"}".formatted(link), Map.of());

    assertThat(e.getMessage()).contains("symbolic link");
  }

  @Test
  void load_missingFileOrVariable_refusedNamingSecretAndSource() {
    AdapterConfigException file =
        refused("t: {file: \"%s\"}".formatted(dir.resolve("absent")), Map.of());
    AdapterConfigException env = refused("t: {env: NOT_SET_ANYWHERE}", Map.of());

    assertThat(file.pointer()).isEqualTo("/secrets/t/file");
    assertThat(file.getMessage()).contains("absent");
    assertThat(env.pointer()).isEqualTo("/secrets/t/env");
    assertThat(env.getMessage()).contains("NOT_SET_ANYWHERE");
  }

  @Test
  void load_valueWithControlCharacterOrEmpty_refusedWithoutShowingIt() throws Exception {
    AdapterConfigException newline =
        refused("t: {env: T}", Map.of("T", VALUE + "\r\nX-Injected: 1"));
    AdapterConfigException empty =
        refused("t: {file: \"%s\"}".formatted(secretFile("\n", "rw-------")), Map.of());

    assertThat(newline.getMessage()).contains("environment variable T").contains("printable");
    assertThat(empty.getMessage()).contains("empty");
  }

  @Test
  void load_fileLargerThanLimit_refused() throws Exception {
    Path big = secretFile("x".repeat(SecretStore.MAX_FILE_BYTES + 1), "rw-------");

    AdapterConfigException e = refused("t: {file: \"%s\"}".formatted(big), Map.of());

    assertThat(e.getMessage()).contains("larger than");
  }

  @Test
  void load_badName_refused() {
    AdapterConfigException e = refused("\"bad-name\": {env: T}", Map.of("T", "v"));

    assertThat(e.pointer()).isEqualTo("/secrets/bad-name");
  }

  @Test
  void secret_toStringAndEquals_revealNothing() throws Exception {
    SecretStore a = load("t: {env: T}", Map.of("T", VALUE));
    SecretStore b = load("t: {env: T}", Map.of("T", VALUE));
    Secret s = a.get("t").orElseThrow();

    assertThat(s.toString()).doesNotContain(VALUE);
    assertThat(s.name()).isEqualTo("t");
    assertThat(s).isNotEqualTo(b.get("t").orElseThrow());
    assertThatThrownBy(() -> SecretStore.load(Fixtures.yaml("[1]"), name -> null))
        .isInstanceOf(AdapterConfigException.class)
        .hasMessageStartingWith("/secrets:");
  }
}
