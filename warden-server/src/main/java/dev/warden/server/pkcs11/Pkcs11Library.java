package dev.warden.server.pkcs11;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.NativeLongByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A PKCS#11 library, loaded and initialized once per process (with {@code CKF_OS_LOCKING_OK}, so
 * sessions may be used from several threads) and never finalized: {@code C_Finalize} would end
 * every other session of the process on that library, the other key's included.
 */
final class Pkcs11Library {
  private static final Map<Path, Pkcs11Library> LOADED = new HashMap<>();

  /** {@code CK_TOKEN_INFO} is 160 to 208 bytes; its label is the first 32, blank padded. */
  private static final int TOKEN_INFO_BYTES = 512;

  private final Path path;
  final Cryptoki ck;

  private Pkcs11Library(Path path, Cryptoki ck) {
    this.path = path;
    this.ck = ck;
  }

  /**
   * The library at {@code path}, initialized.
   *
   * @throws Pkcs11Exception if there is no such file, it is not a PKCS#11 library, or it fails to
   *     initialize
   */
  static synchronized Pkcs11Library load(Path path) throws Pkcs11Exception {
    Path key = path.toAbsolutePath().normalize();
    Pkcs11Library loaded = LOADED.get(key);
    if (loaded != null) {
      return loaded;
    }
    if (!Files.isRegularFile(key)) {
      throw new Pkcs11Exception(
          "the PKCS#11 library "
              + key
              + " does not exist; install the token's library (for SoftHSM2: apt-get install"
              + " softhsm2, which provides /usr/lib/softhsm/libsofthsm2.so) or correct"
              + " pkcs11.library");
    }
    Cryptoki ck;
    try {
      ck = Native.load(key.toString(), Cryptoki.class);
    } catch (UnsatisfiedLinkError e) {
      throw new Pkcs11Exception(
          "cannot load the PKCS#11 library "
              + key
              + ": "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    Memory args = new Memory(4L * Native.POINTER_SIZE + 2L * NativeLong.SIZE + 8);
    args.clear();
    // CK_C_INITIALIZE_ARGS: four mutex callbacks (null: the OS's locks), flags, reserved.
    args.setNativeLong(4L * Native.POINTER_SIZE, new NativeLong(Ck.CKF_OS_LOCKING_OK));
    long rv = ck.C_Initialize(args).longValue();
    if (rv != Ck.CKR_OK && rv != Ck.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw new Pkcs11Exception("C_Initialize of " + key, rv);
    }
    loaded = new Pkcs11Library(key, ck);
    LOADED.put(key, loaded);
    return loaded;
  }

  Path path() {
    return path;
  }

  /**
   * The slot of the token labelled {@code label}.
   *
   * @throws Pkcs11Exception if no token or several have that label, naming the labels there are
   */
  NativeLong slot(String label) throws Pkcs11Exception {
    List<NativeLong> found = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (NativeLong slot : slots()) {
      Memory info = new Memory(TOKEN_INFO_BYTES);
      info.clear();
      long rv = ck.C_GetTokenInfo(slot, info).longValue();
      if (rv != Ck.CKR_OK) {
        continue; // a slot whose token went away between the two calls
      }
      String l = new String(info.getByteArray(0, 32), StandardCharsets.UTF_8).stripTrailing();
      if (!l.isEmpty()) {
        labels.add(l); // an empty label: a free slot, no token yet
      }
      if (l.equals(label)) {
        found.add(slot);
      }
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      throw new Pkcs11Exception(
          "no token labelled \""
              + label
              + "\" in "
              + path
              + " (tokens there: "
              + (labels.isEmpty() ? "none" : String.join(", ", labels))
              + "); create it (SoftHSM2: softhsm2-util --init-token --free --label "
              + label
              + " --so-pin ... --pin ...) or correct pkcs11.token");
    }
    throw new Pkcs11Exception(
        found.size()
            + " tokens in "
            + path
            + " are labelled \""
            + label
            + "\"; labels must be unique");
  }

  private List<NativeLong> slots() throws Pkcs11Exception {
    NativeLongByReference count = new NativeLongByReference();
    check("C_GetSlotList", ck.C_GetSlotList((byte) 1, null, count));
    NativeLong[] slots = new NativeLong[(int) count.getValue().longValue()];
    if (slots.length == 0) {
      return List.of();
    }
    check("C_GetSlotList", ck.C_GetSlotList((byte) 1, slots, count));
    return List.of(slots).subList(0, (int) count.getValue().longValue());
  }

  /** Opens a read-write session on {@code slot}. */
  Session open(NativeLong slot) throws Pkcs11Exception {
    NativeLongByReference session = new NativeLongByReference();
    check(
        "C_OpenSession",
        ck.C_OpenSession(
            slot, new NativeLong(Ck.CKF_SERIAL_SESSION | Ck.CKF_RW_SESSION), null, null, session));
    return new Session(this, session.getValue());
  }

  static void check(String function, NativeLong rv) throws Pkcs11Exception {
    if (rv.longValue() != Ck.CKR_OK) {
      throw new Pkcs11Exception(function, rv.longValue());
    }
  }
}
