package dev.warden.log;

import java.util.Base64;

/**
 * An unsigned stand-in for the checkpoint signer in tests of the committer: the C2SP checkpoint
 * body of the tree, so tests can still check what was "signed". Signing itself is tested in {@code
 * dev.warden.note}.
 */
public final class TestCheckpoints {
  private TestCheckpoints() {}

  public static String sign(long size, byte[] root) {
    return "test.example/log\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
  }
}
