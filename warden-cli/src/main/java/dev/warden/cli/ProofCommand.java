package dev.warden.cli;

import dev.warden.log.MerkleProofs;
import dev.warden.log.ProofException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden proof verify-inclusion|verify-consistency}: checks an RFC 9162 proof given on the
 * command line. Exit 0 valid, 1 invalid (with the reason), 2 usage (bad base64, wrong lengths).
 */
@Command(
    name = "proof",
    mixinStandardHelpOptions = true,
    description = {
      "Check a Merkle inclusion or consistency proof (RFC 9162 / RFC 6962) given on the command"
          + " line, offline.",
      "",
      "Hashes are standard base64 of 32 bytes (as in checkpoints and receipts); a proof is its"
          + " hashes, comma separated, from the leaf's sibling up; an empty proof is --proof \"\".",
      "Exit 0 valid, 1 invalid (the reason is printed), 2 usage error."
    },
    subcommands = {ProofCommand.VerifyInclusion.class, ProofCommand.VerifyConsistency.class})
final class ProofCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  @Command(
      name = "verify-inclusion",
      mixinStandardHelpOptions = true,
      description = {
        "Check that a leaf hash is leaf INDEX of the tree of SIZE leaves with root ROOT"
            + " (RFC 9162 §2.1.3.2).",
        "",
        "Example: warden proof verify-inclusion --leaf-hash B64 --index 41 --size 42 --root B64"
            + " --proof B64,B64,B64"
      })
  static final class VerifyInclusion implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--leaf-hash",
        required = true,
        paramLabel = "B64",
        description = "The leaf hash, SHA-256(0x00 || entry), base64.")
    String leafHash;

    @Option(
        names = "--index",
        required = true,
        paramLabel = "N",
        description = "The leaf's index, from 0.")
    long index;

    @Option(
        names = "--size",
        required = true,
        paramLabel = "N",
        description = "The tree size the proof is against.")
    long size;

    @Option(
        names = "--root",
        required = true,
        paramLabel = "B64",
        description = "The root hash of that tree, base64.")
    String root;

    @Mixin ProofHashes proof;

    @Override
    public Integer call() {
      return check(
          spec,
          () -> {
            requireNonNegative(index, "--index");
            requireNonNegative(size, "--size");
            MerkleProofs.verifyInclusion(
                hash(leafHash, "--leaf-hash"), index, size, proof.hashes(), hash(root, "--root"));
          },
          "OK: leaf " + index + " is in the tree of size " + size + " with that root");
    }
  }

  @Command(
      name = "verify-consistency",
      mixinStandardHelpOptions = true,
      description = {
        "Check that the tree of SIZE1 leaves with root ROOT1 is a prefix of the tree of SIZE2"
            + " leaves with root ROOT2 (RFC 9162 §2.1.4.2).",
        "",
        "Example: warden proof verify-consistency --size1 7 --size2 42 --root1 B64 --root2 B64"
            + " --proof B64,B64"
      })
  static final class VerifyConsistency implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--size1",
        required = true,
        paramLabel = "N",
        description = "The first (older) tree size.")
    long size1;

    @Option(
        names = "--size2",
        required = true,
        paramLabel = "N",
        description = "The second (newer) tree size.")
    long size2;

    @Option(
        names = "--root1",
        required = true,
        paramLabel = "B64",
        description = "The first tree's root hash, base64.")
    String root1;

    @Option(
        names = "--root2",
        required = true,
        paramLabel = "B64",
        description = "The second tree's root hash, base64.")
    String root2;

    @Mixin ProofHashes proof;

    @Override
    public Integer call() {
      return check(
          spec,
          () -> {
            requireNonNegative(size1, "--size1");
            requireNonNegative(size2, "--size2");
            MerkleProofs.verifyConsistency(
                size1, size2, proof.hashes(), hash(root1, "--root1"), hash(root2, "--root2"));
          },
          "OK: the tree of size " + size1 + " is a prefix of the tree of size " + size2);
    }
  }

  /** {@code --proof}: the proof's hashes, shared by both subcommands. */
  static final class ProofHashes {
    @Option(
        names = "--proof",
        required = true,
        paramLabel = "B64,...",
        description = "The proof hashes, comma separated; \"\" for none.")
    String value;

    List<byte[]> hashes() throws UsageError {
      return ProofCommand.hashes(value);
    }
  }

  /** One proof check, which may find its input unusable or the proof invalid. */
  @FunctionalInterface
  interface Check {
    void run() throws UsageError, ProofException;
  }

  /** Runs a check and turns its outcome into the output line and the exit code (0, 1 or 2). */
  static int check(CommandSpec spec, Check check, String ok) {
    try {
      check.run();
    } catch (UsageError e) {
      spec.commandLine().getErr().println("warden: " + e.getMessage());
      return 2;
    } catch (ProofException e) {
      spec.commandLine().getOut().println("FAIL: " + e.reason() + ": " + e.getMessage());
      return 1;
    }
    spec.commandLine().getOut().println(ok);
    return 0;
  }

  /** A command-line value that is not what the option takes: exit 2. */
  static final class UsageError extends Exception {
    UsageError(String message) {
      super(message, null, false, false);
    }
  }

  private static void requireNonNegative(long value, String option) throws UsageError {
    if (value < 0) {
      throw new UsageError(option + " " + value + " is negative");
    }
  }

  /** Canonical standard base64 (with padding) of exactly 32 bytes. */
  static byte[] hash(String b64, String what) throws UsageError {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new UsageError(what + " is not base64");
    }
    if (!Base64.getEncoder().encodeToString(b).equals(b64)) {
      throw new UsageError(what + " is not canonical base64 (with padding)");
    }
    if (b.length != 32) {
      throw new UsageError(what + " is " + b.length + " bytes; a SHA-256 hash is 32");
    }
    return b;
  }

  private static List<byte[]> hashes(String proof) throws UsageError {
    List<byte[]> out = new ArrayList<>();
    if (proof.isEmpty()) {
      return out;
    }
    String[] parts = proof.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      out.add(hash(parts[i], "--proof hash " + (i + 1)));
    }
    return out;
  }
}
