package dev.warden.client.warrant;

import java.nio.file.Path;

/** Run in a child JVM: opens a file store, says "locked", holds it until stdin closes. */
public final class HoldStoreLock {
  private HoldStoreLock() {}

  public static void main(String[] args) throws Exception {
    UsedWarrants used = UsedWarrants.file(Path.of(args[0]));
    try {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the parent to close our stdin
      }
    } finally {
      used.close();
    }
  }
}
