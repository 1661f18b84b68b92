package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress bar of the audit commands, drawn as on a terminal. */
class AuditProgressTest {

  @Test
  void entries_onTerminal_drawsBarPercentAndCountsThenEndsTheLine() {
    StringWriter out = new StringWriter();
    AuditSupport.ProgressBar bar =
        new AuditSupport.ProgressBar(new PrintWriter(out), "verifying", true);
    bar.entries(500_000, 1_000_000);
    bar.entries(1_000_000, 1_000_000);
    bar.finish();
    assertThat(out.toString())
        .isEqualTo(
            "\rverifying [###############...............]  50%  500,000 / 1,000,000 entries"
                + "\rverifying [##############################] 100%  1,000,000 / 1,000,000 entries"
                + System.lineSeparator());
  }

  @Test
  void entries_notOnTerminal_drawsNothing() {
    StringWriter out = new StringWriter();
    AuditSupport.ProgressBar bar =
        new AuditSupport.ProgressBar(new PrintWriter(out), "verifying", false);
    bar.entries(5, 10);
    bar.finish();
    assertThat(out.toString()).isEmpty();
  }
}
