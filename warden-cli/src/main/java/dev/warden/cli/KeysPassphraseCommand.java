package dev.warden.cli;

import dev.warden.crypto.EncryptedPkcs8;
import dev.warden.crypto.KeyFileException;
import dev.warden.crypto.KeyFiles;
import dev.warden.crypto.KeyPassphrase;
import dev.warden.crypto.KeyProtection;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code warden keys passphrase}: re-encrypts the private keys under a new passphrase. */
@Command(
    name = "passphrase",
    mixinStandardHelpOptions = true,
    description = {
      "Change the key passphrase: re-encrypt every private key file (active and retired) from"
          + " the current passphrase (WARDEN_KEY_PASSPHRASE_FILE or WARDEN_KEY_PASSPHRASE) to a"
          + " new one (WARDEN_NEW_KEY_PASSPHRASE_FILE or WARDEN_NEW_KEY_PASSPHRASE).",
      "",
      "Stop the server first, then start it with the new passphrase. Each file is replaced"
          + " atomically after its new form is checked to open; if the command is interrupted,"
          + " run it again with the same two passphrases: files already under the new one are"
          + " left as they are.",
      "",
      "Exit 0 done, 2 usage or I/O error (nothing half-written)."
    })
final class KeysPassphraseCommand implements Callable<Integer> {
  @Mixin DataDirOption data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DataDir d = data.dataDir();
    KeyProtection current;
    KeyProtection next;
    List<Path> files;
    try {
      d.checkKeysDir();
      files = d.keyFiles(ServerConfig.load(d).keys());
      current = KeyProtection.fromEnvironment(Main.env(spec), false);
      KeyPassphrase p =
          KeyPassphrase.fromEnvironment(
              Main.env(spec), KeyPassphrase.NEW_ENV, KeyPassphrase.NEW_ENV_FILE);
      if (p == null) {
        err.println(
            "warden: no new passphrase: put it in a file only you can read and set "
                + KeyPassphrase.NEW_ENV_FILE
                + ", e.g.\n  (umask 077 && openssl rand -base64 32 > ~/.warden-passphrase.new)\n"
                + "  export "
                + KeyPassphrase.NEW_ENV_FILE
                + "=~/.warden-passphrase.new");
        return 2;
      }
      next = KeyProtection.passphrase(p);
    } catch (IOException e) {
      err.println("warden: " + e.getMessage());
      return 2;
    }
    if (Files.exists(d.serverAddress())) {
      err.println(
          "warden: a server runs on "
              + d.root()
              + " ("
              + d.serverAddress()
              + " exists); stop it first, so it does not write a key under the old passphrase."
              + " If none runs, the file is left from a crash: delete it.");
      return 2;
    }
    try {
      SecureRandom random = new SecureRandom();
      for (Path f : files) {
        out.println("  " + f + ": " + reencrypt(f, current, next, random));
      }
    } catch (IOException e) {
      err.println("warden: " + e.getMessage() + " (the other files are as they were)");
      return 2;
    }
    out.println(
        "The keys of "
            + d.root()
            + " are encrypted under the new passphrase. Start the server with it: point "
            + KeyPassphrase.ENV_FILE
            + " at the new file, and keep the old one until the server has started.");
    return 0;
  }

  /** Replaces {@code f} by its content sealed under {@code next}; says what it did. */
  private static String reencrypt(
      Path f, KeyProtection current, KeyProtection next, SecureRandom random) throws IOException {
    byte[] content = KeyFiles.readChecked(f);
    if (!EncryptedPkcs8.isEncrypted(new String(content, StandardCharsets.US_ASCII))) {
      throw new IOException(
          f + " is a plaintext key; encrypt the keys first: warden keys encrypt --data-dir DIR");
    }
    byte[] der;
    try {
      der = current.open(content, f.toString());
    } catch (KeyFileException e) {
      if (e.reason() != KeyFileException.Reason.WRONG_PASSPHRASE) {
        throw e;
      }
      try {
        Arrays.fill(next.open(content, f.toString()), (byte) 0);
        return "already under the new passphrase";
      } catch (KeyFileException notNew) {
        throw e; // neither passphrase opens it: say what the current one said
      }
    }
    Path tmp = f.resolveSibling(f.getFileName() + ".repass");
    try {
      Files.deleteIfExists(tmp);
      KeyFiles.writeNew(tmp, next.seal(der, random));
      byte[] check = next.open(KeyFiles.readChecked(tmp), tmp.toString());
      boolean same = MessageDigest.isEqual(check, der);
      Arrays.fill(check, (byte) 0);
      if (!same) {
        throw new IOException(tmp + " does not hold the key it was written with");
      }
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Arrays.fill(der, (byte) 0);
      Files.deleteIfExists(tmp);
    }
    return "re-encrypted";
  }
}
