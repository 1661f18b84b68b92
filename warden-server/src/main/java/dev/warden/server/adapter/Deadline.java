package dev.warden.server.adapter;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a socket when a deadline passes, so that no read <em>or write</em> outlives it: socket
 * read timeouts bound each read only, and nothing bounds a blocked write or a slow trickle of
 * bytes. One daemon thread serves all deadlines; a cancelled deadline leaves its queue at once.
 */
final class Deadline implements AutoCloseable {

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final AtomicBoolean expired = new AtomicBoolean();
  private final ScheduledFuture<?> task;

  private Deadline(Socket socket, Duration after) {
    this.task =
        TIMER.schedule(
            () -> {
              expired.set(true);
              try {
                socket.close();
              } catch (IOException e) {
                // Closing is all that matters; a failure to close leaves nothing to do.
              }
            },
            after.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  /** Starts the countdown: {@code socket} is closed {@code after} from now unless closed first. */
  static Deadline arm(Socket socket, Duration after) {
    return new Deadline(socket, after);
  }

  /** True once the deadline has passed and the socket was closed for it. */
  boolean expired() {
    return expired.get();
  }

  /** Cancels the deadline if it has not passed. */
  @Override
  public void close() {
    task.cancel(false);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("warden-adapter-deadline").factory());
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
