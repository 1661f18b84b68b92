package dev.warden.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class ConnectionUrlTest {

  @Test
  void parse_storeForm_becomesAJdbcUrlWithItsParameters() {
    ConnectionUrl u =
        ConnectionUrl.parse("postgresql://db.internal:5433/warden?user=w&sslmode=verify-full");

    assertThat(u.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:5433/warden?user=w&sslmode=verify-full");
    assertThat(u.credentials()).isEmpty();
  }

  @Test
  void parse_postgresAndJdbcForms_areAccepted() {
    assertThat(ConnectionUrl.parse("postgres://h/d").jdbcUrl()).isEqualTo("jdbc:postgresql://h/d");
    assertThat(ConnectionUrl.parse("jdbc:postgresql://h:1/d?a=b").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h:1/d?a=b");
    assertThat(ConnectionUrl.parse("postgresql://[::1]:5432/d").jdbcUrl())
        .isEqualTo("jdbc:postgresql://[::1]:5432/d");
  }

  @Test
  void parse_userInformation_movesToCredentialsDecoded() {
    ConnectionUrl u = ConnectionUrl.parse("postgresql://warden:p%40ss%3Aword@h/d");

    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h/d");
    assertThat(u.credentials().getProperty("user")).isEqualTo("warden");
    assertThat(u.credentials().getProperty("password")).isEqualTo("p@ss:word");
    assertThat(u.toString()).doesNotContain("p@ss");
  }

  @Test
  void redact_passwordsInParametersOrUserInformation_areHidden() {
    assertThat(ConnectionUrl.redact("postgresql://h/d?user=u&password=secret&sslmode=require"))
        .isEqualTo("postgresql://h/d?user=u&password=***&sslmode=require");
    assertThat(ConnectionUrl.redact("postgresql://u:secret@h/d"))
        .isEqualTo("postgresql://u:***@h/d");
    assertThat(ConnectionUrl.parse("postgresql://h/d?password=secret").toString())
        .doesNotContain("secret");
  }

  @Test
  void parse_otherSchemesOrNoDatabase_throwWithoutThePassword() {
    assertThatThrownBy(() -> ConnectionUrl.parse("mysql://u:secret@h/d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgresql://")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> ConnectionUrl.parse("postgresql://h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database");
  }
}
