package dev.warden.server.doctor;

import dev.warden.crypto.Ed25519Signer;
import dev.warden.crypto.KeyFiles;
import dev.warden.crypto.KeyProtection;
import dev.warden.httpsig.Ed25519PublicKey;
import dev.warden.httpsig.SignatureException;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteVerifierKey;
import dev.warden.server.DataDir;
import dev.warden.server.KeySources;
import dev.warden.server.Keyring;
import dev.warden.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Warden's key files (the keys directory's mode and owner; each private key 0600, the user's own,
 * encrypted), the admin token file, {@code keyring.json}, and — with the passphrase — that the keys
 * unlock and sign.
 */
final class KeyChecks {
  private static final String ENCRYPTED = "-----BEGIN ENCRYPTED PRIVATE KEY-----";

  private final DataDir dir;
  private final KeySources sources;
  private final List<Finding> out;
  private @Nullable Keyring keyring;
  private byte @Nullable [] checkpointKey;

  /**
   * @param sources where the checkpoint and receipt keys are: files, or a PKCS#11 token
   */
  KeyChecks(DataDir dir, KeySources sources, List<Finding> out) {
    this.dir = dir;
    this.sources = sources;
    this.out = out;
  }

  void files() {
    try {
      dir.checkKeysDir();
    } catch (IOException e) {
      out.add(Finding.fail("keys.dir", Doctor.message(e)));
    }
    try {
      keyFiles(dir.keyFiles(sources));
    } catch (IOException e) {
      out.add(Finding.fail("keys.files", "cannot list the key files of " + dir.keys() + ": " + e));
    }
    adminToken();
    keyring();
  }

  /** Each key file is closed to others, the user's own, and encrypted. */
  private void keyFiles(List<Path> files) {
    int problems = 0;
    for (Path f : files) {
      try {
        byte[] content = KeyFiles.readChecked(f);
        if (!new String(content, StandardCharsets.US_ASCII).strip().startsWith(ENCRYPTED)) {
          problems++;
          out.add(
              Finding.fail(
                  "keys.files",
                  f
                      + " is not encrypted; 'warden serve' accepts it only with"
                      + " --insecure-plaintext-keys. Encrypt the keys with: warden keys encrypt"
                      + " --data-dir "
                      + dir.root()));
        }
      } catch (IOException e) {
        problems++;
        out.add(Finding.fail("keys.files", Doctor.message(e)));
      }
    }
    if (problems == 0) {
      out.add(
          Finding.ok(
              "keys.files", files.size() + " key files: encrypted, mode 0600, owned by you"));
    }
  }

  private void adminToken() {
    if (!Files.exists(dir.adminToken())) {
      out.add(Finding.ok("admin_token", dir.adminToken() + " is not here (kept elsewhere)"));
      return;
    }
    try {
      KeyFiles.readChecked(dir.adminToken());
      out.add(Finding.ok("admin_token", dir.adminToken() + ": mode 0600, owned by you"));
    } catch (IOException e) {
      out.add(Finding.fail("admin_token", Doctor.message(e)));
    }
  }

  private void keyring() {
    if (!Files.exists(dir.keyring())) {
      out.add(
          Finding.warn(
              "keys.keyring",
              dir.keyring() + " is missing; the next 'warden serve' writes it from the keys"));
      return;
    }
    try {
      keyring = Keyring.load(dir.keyring());
    } catch (IOException e) {
      out.add(Finding.fail("keys.keyring", Doctor.message(e)));
      return;
    }
    List<Keyring.Key> revoked = keyring.compromisedActive();
    for (Keyring.Key k : revoked) {
      out.add(
          Finding.fail(
              "keys.keyring",
              "the active "
                  + k.which().wire()
                  + " key "
                  + k.id()
                  + " is revoked as compromised since "
                  + k.compromisedSince()
                  + "; replace it: warden keys rotate --offline --which "
                  + k.which().wire()
                  + " --data-dir "
                  + dir.root()));
    }
    boolean clean = revoked.isEmpty();
    if (clean) {
      out.add(
          Finding.ok(
              "keys.keyring", keyring.keys().size() + " key(s) on record; no active one revoked"));
    }
  }

  /**
   * Unlocks the keys with {@code protection} (if there is one) — opening the token for keys held in
   * one — and signs with each.
   */
  void unlock(@Nullable KeyProtection protection) {
    if (protection == null) {
      return;
    }
    try (DataDir.Keys unlocked = dir.loadKeys(protection, sources)) {
      out.add(
          Finding.ok(
              "keys.unlock",
              "the checkpoint, receipt and params keys open"
                  + (sources.equals(KeySources.FILES) ? "" : " (the token keys too)")));
      checkpointKey = unlocked.checkpoint().publicKey();
      signers(unlocked);
    } catch (IOException e) {
      out.add(Finding.fail("keys.unlock", Doctor.message(e)));
    }
  }

  private void signers(DataDir.Keys unlocked) {
    List<String> failed = new ArrayList<>();
    signs("checkpoint", unlocked.checkpoint(), failed);
    signs("receipt", unlocked.receipt(), failed);
    if (failed.isEmpty()) {
      out.add(Finding.ok("signer", "the checkpoint and receipt keys sign, and verify"));
    } else {
      out.add(
          Finding.fail(
              "signer",
              String.join("; ", failed)
                  + ": Warden would answer signer.unavailable (503). Check the key files (restore"
                  + " them from a backup) or the token (library, label, PIN), or rotate: warden"
                  + " keys rotate --offline"));
    }
    if (keyring != null) {
      mismatch(Keyring.Which.CHECKPOINT, unlocked.checkpoint().publicKey());
      mismatch(Keyring.Which.RECEIPT, unlocked.receipt().publicKey());
    }
  }

  private static void signs(String which, Ed25519Signer key, List<String> failed) {
    byte[] probe = "warden doctor signer probe".getBytes(StandardCharsets.US_ASCII);
    try {
      Ed25519PublicKey.decode(key.publicKey()).verify(probe, key.sign(probe));
    } catch (SignatureException | RuntimeException e) {
      failed.add("the " + which + " key cannot make a valid signature (" + e.getMessage() + ")");
    }
  }

  private void mismatch(Keyring.Which which, byte[] publicKey) {
    Keyring.Key active = keyring == null ? null : keyring.active(which).orElse(null);
    byte[] recorded = active == null ? null : active.publicKey();
    if (recorded != null && !Arrays.equals(recorded, publicKey)) {
      out.add(
          Finding.warn(
              "keys.keyring",
              "the "
                  + which.wire()
                  + " key file is not the active "
                  + which.wire()
                  + " key in "
                  + dir.keyring()
                  + " (a restored or copied key?); the next 'warden serve' records it as the"
                  + " active one"));
    }
  }

  /**
   * The checkpoint keys the latest checkpoint may verify with (as at start: never a compromised
   * one), or null when neither the keyring nor the unlocked key gives one.
   */
  @Nullable List<NoteVerifierKey> logKeys(@Nullable ServerConfig cfg) {
    if (cfg == null) {
      return null;
    }
    List<NoteVerifierKey> keys = new ArrayList<>();
    if (keyring != null) {
      LogKeys lk = keyring.logKeys(cfg.origin());
      lk.keys().stream().filter(k -> !lk.compromisedSince().containsKey(k)).forEach(keys::add);
    }
    if (checkpointKey != null) {
      NoteVerifierKey live = NoteVerifierKey.of(cfg.origin(), checkpointKey);
      if (!keys.contains(live)) {
        keys.add(live);
      }
    }
    return keys.isEmpty() ? null : keys;
  }
}
