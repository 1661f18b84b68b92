package dev.warden.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code logback.xml} must load: when it does not, Logback falls back to DEBUG on the
 * console for every library, which floods the log and costs most of the CPU of a decision (found by
 * {@code warden bench}: a {@code --} inside an XML comment).
 */
class LogbackConfigTest {

  @Test
  void theShippedConfiguration_loadsWithoutErrors() throws Exception {
    URL config = getClass().getClassLoader().getResource("logback.xml");
    assertThat(config).as("logback.xml on the classpath").isNotNull();
    LoggerContext context = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(config);
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .filteredOn(s -> s.getLevel() >= Status.WARN)
        .as("logback status messages")
        .isEmpty();
    assertThat(context.getLogger("org.eclipse.jetty").getEffectiveLevel().toString())
        .isEqualTo("WARN");
    context.stop();
  }
}
