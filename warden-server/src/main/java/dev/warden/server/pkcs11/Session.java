package dev.warden.server.pkcs11;

import static dev.warden.server.pkcs11.Pkcs11Library.check;

import com.sun.jna.NativeLong;
import com.sun.jna.ptr.NativeLongByReference;
import java.util.ArrayList;
import java.util.List;

/** One Cryptoki session. Not thread-safe: one caller at a time ({@link TokenSigner} pools them). */
final class Session implements AutoCloseable {
  private static final int MAX_OBJECTS = 64;

  private final Pkcs11Library library;
  private final NativeLong handle;

  Session(Pkcs11Library library, NativeLong handle) {
    this.library = library;
    this.handle = handle;
  }

  /** Logs the user in; already logged in (by another session of this process) is fine. */
  void login(byte[] pin) throws Pkcs11Exception {
    long rv =
        library.ck.C_Login(handle, new NativeLong(Ck.CKU_USER), pin, new NativeLong(pin.length))
            .longValue();
    if (rv != Ck.CKR_OK && rv != Ck.CKR_USER_ALREADY_LOGGED_IN) {
      throw new Pkcs11Exception("C_Login", rv);
    }
  }

  /** Logs the user out of the token: every session of this process on it. */
  void logout() throws Pkcs11Exception {
    check("C_Logout", library.ck.C_Logout(handle));
  }

  void setPin(byte[] oldPin, byte[] newPin) throws Pkcs11Exception {
    check(
        "C_SetPIN",
        library.ck.C_SetPIN(
            handle, oldPin, new NativeLong(oldPin.length), newPin, new NativeLong(newPin.length)));
  }

  /** The objects that match {@code template} (at most {@value #MAX_OBJECTS}). */
  List<NativeLong> find(Templates template) throws Pkcs11Exception {
    check(
        "C_FindObjectsInit",
        library.ck.C_FindObjectsInit(handle, template.pointer(), template.count()));
    try {
      NativeLong[] objects = new NativeLong[MAX_OBJECTS];
      NativeLongByReference count = new NativeLongByReference();
      check(
          "C_FindObjects",
          library.ck.C_FindObjects(handle, objects, new NativeLong(MAX_OBJECTS), count));
      List<NativeLong> out = new ArrayList<>();
      for (int i = 0; i < count.getValue().longValue(); i++) {
        out.add(objects[i]);
      }
      return out;
    } finally {
      library.ck.C_FindObjectsFinal(handle);
    }
  }

  /** Reads the attributes {@code template} asks for into it ({@link Templates#value}). */
  void read(NativeLong object, Templates template) throws Pkcs11Exception {
    check(
        "C_GetAttributeValue",
        library.ck.C_GetAttributeValue(handle, object, template.pointer(), template.count()));
  }

  /** The {@code CKM_EDDSA} signature (pure Ed25519, no context) of {@code data}. */
  byte[] signEdDsa(NativeLong key, byte[] data) throws Pkcs11Exception {
    check("C_SignInit", library.ck.C_SignInit(handle, Templates.mechanism(Ck.CKM_EDDSA), key));
    byte[] signature = new byte[64];
    NativeLongByReference length = new NativeLongByReference(new NativeLong(signature.length));
    check(
        "C_Sign", library.ck.C_Sign(handle, data, new NativeLong(data.length), signature, length));
    if (length.getValue().longValue() != signature.length) {
      throw new Pkcs11Exception(
          "C_Sign returned " + length.getValue() + " bytes, not a 64-byte Ed25519 signature");
    }
    return signature;
  }

  /** Generates a key pair; returns {public, private} handles. */
  NativeLong[] generateKeyPair(long mechanism, Templates publicKey, Templates privateKey)
      throws Pkcs11Exception {
    NativeLongByReference pub = new NativeLongByReference();
    NativeLongByReference priv = new NativeLongByReference();
    check(
        "C_GenerateKeyPair",
        library.ck.C_GenerateKeyPair(
            handle,
            Templates.mechanism(mechanism),
            publicKey.pointer(),
            publicKey.count(),
            privateKey.pointer(),
            privateKey.count(),
            pub,
            priv));
    return new NativeLong[] {pub.getValue(), priv.getValue()};
  }

  void destroy(NativeLong object) throws Pkcs11Exception {
    check("C_DestroyObject", library.ck.C_DestroyObject(handle, object));
  }

  @Override
  public void close() {
    library.ck.C_CloseSession(handle); // a session already gone is closed too
  }
}
