package dev.warden.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class whose methods share one real Warden ({@link #w}) and one registered agent ({@link
 * #agent}, {@code agent-1}), started once for the class in a directory of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneWardenTest {
  TestWarden w;
  TestWarden.Agent agent;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    w = TestWarden.start(tmp);
    agent = w.createAgent("agent-1");
  }

  @AfterAll
  void stop() {
    w.close();
  }
}
