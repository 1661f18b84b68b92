package dev.warden.cli;

import dev.warden.audit.LogAuditor;
import dev.warden.crypto.KeyProtection;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteSigner;
import dev.warden.note.NoteVerifierKey;
import dev.warden.server.DataDir;
import dev.warden.server.Keyring;
import dev.warden.server.ServerConfig;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import dev.warden.store.postgresql.PostgresStore;
import dev.warden.store.sqlite.SqliteStore;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** What the {@code audit} subcommands share: data directories, keys, the store, progress. */
final class AuditSupport {
  private AuditSupport() {}

  /** A command cannot go on: the message for stderr and the exit code. */
  static final class Stop extends Exception {
    final int exit;

    Stop(int exit, String message) {
      super(message, null, false, false);
      this.exit = exit;
    }
  }

  /** {@code d} with the state in {@code --store}'s database, if given. */
  static DataDir withStore(DataDir d, StoreOption store) throws Stop {
    try {
      return store.apply(d);
    } catch (IllegalArgumentException e) {
      throw new Stop(2, "--store: " + e.getMessage());
    }
  }

  /** The data directory, which must have been made by {@code warden init}. */
  static DataDir existing(DataDir d) throws Stop {
    if (!Files.isRegularFile(d.config())
        || (d.store() == null && !Files.isRegularFile(d.database()))) {
      throw new Stop(
          2,
          d.root()
              + " is not a Warden data directory (no warden.yaml and warden.db); create one with:"
              + " warden init --data-dir "
              + d.root());
    }
    return d;
  }

  static String origin(DataDir d) throws Stop {
    try {
      return ServerConfig.load(d).origin();
    } catch (IOException e) {
      throw new Stop(2, "cannot read " + d.config() + ": " + e.getMessage());
    }
  }

  /** The verifier key of the data directory's active checkpoint key. */
  static NoteVerifierKey ownKey(DataDir d) throws Stop {
    return ownKeys(d).keys().get(0);
  }

  /**
   * Every checkpoint key of the data directory, active first, from its public keyring (no
   * passphrase needed). A directory from before the keyring existed: its plaintext checkpoint key.
   */
  static LogKeys ownKeys(DataDir d) throws Stop {
    String origin = origin(d);
    try {
      if (Files.exists(d.keyring())) {
        return Keyring.load(d.keyring()).logKeys(origin);
      }
      return LogKeys.of(
          List.of(
              new NoteSigner(origin, d.loadKeys(KeyProtection.insecurePlaintext()).checkpoint())
                  .verifierKey()));
    } catch (IOException e) {
      throw new Stop(2, "cannot read the checkpoint keys: " + e.getMessage());
    }
  }

  /** Each {@code --log-key} value: a vkey, or a file of vkeys one per line. */
  static List<NoteVerifierKey> keys(List<String> values) throws Stop {
    return keySet(values).keys();
  }

  /**
   * Each {@code --log-key} value: a vkey, or a file in the key set format of {@code
   * /.well-known/warden/log-key} (one vkey per line, compromised keys marked).
   */
  static LogKeys keySet(List<String> values) throws Stop {
    LogKeys set = null;
    for (String value : values) {
      LogKeys one;
      try {
        one = LogKeys.of(List.of(NoteVerifierKey.parse(value)));
      } catch (IllegalArgumentException notAVkey) {
        Path path;
        try {
          path = Path.of(value);
        } catch (InvalidPathException e) {
          throw new Stop(2, "--log-key: " + notAVkey.getMessage());
        }
        if (!Files.isRegularFile(path)) {
          throw new Stop(2, "--log-key is neither a vkey nor a file: " + notAVkey.getMessage());
        }
        try {
          one = LogKeys.parse(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new Stop(2, "cannot read --log-key " + path + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
          throw new Stop(2, "--log-key " + path + ": " + e.getMessage());
        }
      }
      set = set == null ? one : set.plus(one);
    }
    if (set == null) {
      throw new Stop(2, "no --log-key given");
    }
    return set;
  }

  /**
   * Opens the data directory's database to read its log, even a damaged one (the audit names the
   * damage). It takes the store's exclusive lock, so it fails while a server runs on the directory;
   * a database that is not Warden's at this schema version is exit 1.
   */
  static Store openToRead(DataDir d, String command) throws Stop {
    if (d.store() != null) {
      try {
        return PostgresStore.openForAudit(d.store());
      } catch (StoreException e) {
        throw new Stop(
            e.kind() == StoreException.Kind.CORRUPT ? 1 : 2,
            "cannot read the log in " + d.storeName() + ": " + e.getMessage());
      }
    }
    return open(d, command, true);
  }

  /**
   * Opens the data directory's database to write to its log; a database the store refuses as
   * damaged is exit 1.
   */
  static SqliteStore openToWrite(DataDir d, String command) throws Stop {
    return open(d, command, false);
  }

  private static SqliteStore open(DataDir d, String command, boolean toRead) throws Stop {
    try {
      return toRead
          ? SqliteStore.openForAudit(d.database())
          : SqliteStore.open(d.database(), Clock.systemUTC());
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.CORRUPT) {
        throw new Stop(
            1,
            "the store refuses to open "
                + d.database()
                + ", so the log cannot be read entry by entry: "
                + e.getMessage());
      }
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      if (msg.contains("in use by")) {
        throw new Stop(
            2,
            "the database is in use by a running server: "
                + msg
                + ". 'warden audit "
                + command
                + "' needs the database to itself; stop the server first.");
      }
      throw new Stop(2, "cannot open " + d.database() + ": " + msg);
    }
  }

  /** A progress bar on stderr when it is a terminal; nothing otherwise. */
  static ProgressBar progress(PrintWriter err, String what) {
    return new ProgressBar(err, what, stderrIsTerminal());
  }

  private static boolean stderrIsTerminal() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    // JDK 22+ returns a Console even when the streams are redirected; isTerminal() tells.
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console exists only on a terminal
    }
  }

  /** Draws {@code [#####.....] 45% 450,000 / 1,000,000 entries} at most ten times a second. */
  static final class ProgressBar implements LogAuditor.Progress {
    private final PrintWriter err;
    private final String what;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter err, String what, boolean enabled) {
      this.err = err;
      this.what = what;
      this.enabled = enabled;
    }

    @Override
    public void entries(long done, long total) {
      long now = System.nanoTime();
      if (!enabled || (drawn && now - lastDraw < 100_000_000L && done != total)) {
        return;
      }
      lastDraw = now;
      drawn = true;
      StringBuilder line = new StringBuilder("\r").append(what).append(' ');
      if (total > 0) {
        int width = 30;
        int filled = (int) Math.min(width, done * width / total);
        line.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
        line.append(String.format("%3d%%  ", Math.min(100, done * 100 / total)));
        line.append(String.format("%,d / %,d entries", done, total));
      } else {
        line.append(String.format("%,d entries", done));
      }
      err.print(line);
      err.flush();
    }

    /** Ends the bar's line, if one was drawn. */
    void finish() {
      if (drawn) {
        err.println();
        drawn = false;
      }
    }
  }
}
