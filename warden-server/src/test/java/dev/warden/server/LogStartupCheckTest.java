package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warden refuses to append to a log that is not the one it signed. */
class LogStartupCheckTest {
  @TempDir Path tmp;

  private void tamper(DataDir d, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + d.database());
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  private TestWarden filled() throws Exception {
    TestWarden w = TestWarden.start(tmp);
    TestWarden.Agent a = w.createAgent("agent-1");
    for (int i = 0; i < 3; i++) {
      w.send(
          a.key(), TestWarden.req("{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}"));
    }
    return w;
  }

  private static void assertRefused(DataDir d, String why) {
    assertThatThrownBy(
            () ->
                WardenServer.start(
                        d,
                        ServerConfig.load(d),
                        Clock.systemUTC(),
                        new SecureRandom(),
                        TestKeys.PROTECTION)
                    .close())
        .isInstanceOf(WardenServer.StartupException.class)
        .hasMessageContaining(why)
        .hasMessageContaining("warden audit verify");
  }

  @Test
  void start_untouchedLog_starts() throws Exception {
    TestWarden w = filled();
    w.restart();
    assertThat(w.entries()).isNotEmpty();
    w.close();
  }

  @Test
  void start_tailRemoved_refused() throws Exception {
    TestWarden w = filled();
    w.close();
    tamper(w.data, "UPDATE log_head SET size = size - 1");
    tamper(w.data, "DELETE FROM log_entries WHERE idx = (SELECT MAX(idx) FROM log_entries)");
    assertRefused(w.data, "entries were removed");
  }

  @Test
  void start_checkpointForged_refused() throws Exception {
    TestWarden w = filled();
    w.close();
    tamper(
        w.data,
        "UPDATE checkpoints SET note = substr(note, 1, length(note) - 6) || 'AAAA=' || char(10) WHERE size = (SELECT MAX(size) FROM checkpoints)");
    assertRefused(w.data, "does not verify");
  }

  @Test
  void start_headStateChanged_refused() throws Exception {
    TestWarden w = filled();
    w.close();
    tamper(w.data, "UPDATE log_head SET state = zeroblob(length(state))");
    assertRefused(w.data, "does not match");
  }
}
