package dev.warden.server.pkcs11;

import com.sun.jna.NativeLong;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds and makes Ed25519 key pairs in a token: private and public key share CKA_LABEL and CKA_ID.
 */
final class TokenObjects {
  /** CKA_EC_PARAMS of Ed25519: the DER of OID 1.3.101.112 (RFC 8410). */
  private static final byte[] ED25519_OID = HexFormat.of().parseHex("06032b6570");

  /** A private key and the public key stored with it. */
  record KeyPair(NativeLong privateKey, byte[] id, byte[] publicKey) {}

  private TokenObjects() {}

  /** Every Ed25519 key pair labelled {@code label}. */
  static List<KeyPair> find(Session s, String label) throws Pkcs11Exception {
    List<KeyPair> out = new ArrayList<>();
    for (NativeLong priv : s.find(privateKeys(label))) {
      Templates t = new Templates().read(Ck.CKA_ID, 256);
      s.read(priv, t);
      byte[] id = t.value(0);
      out.add(new KeyPair(priv, id, publicKey(s, label, id)));
    }
    return out;
  }

  /** The private key labelled {@code label} with id {@code id}. */
  static NativeLong privateKey(Session s, String label, byte[] id) throws Pkcs11Exception {
    List<NativeLong> found = s.find(privateKeys(label).bytes(Ck.CKA_ID, id));
    if (found.size() != 1) {
      throw new Pkcs11Exception(
          found.size() + " private keys labelled \"" + label + "\" with the expected CKA_ID");
    }
    return found.get(0);
  }

  private static Templates privateKeys(String label) {
    return new Templates()
        .ulong(Ck.CKA_CLASS, Ck.CKO_PRIVATE_KEY)
        .ulong(Ck.CKA_KEY_TYPE, Ck.CKK_EC_EDWARDS)
        .text(Ck.CKA_LABEL, label);
  }

  private static byte[] publicKey(Session s, String label, byte[] id) throws Pkcs11Exception {
    List<NativeLong> found =
        s.find(
            new Templates()
                .ulong(Ck.CKA_CLASS, Ck.CKO_PUBLIC_KEY)
                .text(Ck.CKA_LABEL, label)
                .bytes(Ck.CKA_ID, id));
    if (found.size() != 1) {
      throw new Pkcs11Exception(
          "the private key labelled \""
              + label
              + "\" has "
              + found.size()
              + " public keys with its label and CKA_ID, not one; Warden reads the public key"
              + " from the token");
    }
    Templates t = new Templates().read(Ck.CKA_EC_POINT, 64);
    s.read(found.get(0), t);
    byte[] point = t.value(0);
    // PKCS#11 3.0: the DER OCTET STRING of the RFC 8032 encoding; some tokens give it bare.
    if (point.length == 34 && point[0] == 0x04 && point[1] == 32) {
      return Arrays.copyOfRange(point, 2, 34);
    }
    if (point.length == 32) {
      return point;
    }
    throw new Pkcs11Exception(
        "the public key labelled \"" + label + "\" is not an Ed25519 key (CKA_EC_POINT)");
  }

  /**
   * Generates an Ed25519 key pair labelled {@code label} in the token: the private key sensitive,
   * not extractable, usable only to sign. Returns the new pair.
   */
  static KeyPair generate(Session s, String label, SecureRandom random) throws Pkcs11Exception {
    byte[] id = new byte[16];
    random.nextBytes(id);
    NativeLong[] pair =
        s.generateKeyPair(
            Ck.CKM_EC_EDWARDS_KEY_PAIR_GEN,
            new Templates()
                .bool(Ck.CKA_TOKEN, true)
                .bool(Ck.CKA_VERIFY, true)
                .bytes(Ck.CKA_EC_PARAMS, ED25519_OID)
                .text(Ck.CKA_LABEL, label)
                .bytes(Ck.CKA_ID, id),
            new Templates()
                .bool(Ck.CKA_TOKEN, true)
                .bool(Ck.CKA_PRIVATE, true)
                .bool(Ck.CKA_SENSITIVE, true)
                .bool(Ck.CKA_EXTRACTABLE, false)
                .bool(Ck.CKA_SIGN, true)
                .text(Ck.CKA_LABEL, label)
                .bytes(Ck.CKA_ID, id));
    return new KeyPair(pair[1], id, publicKey(s, label, id));
  }

  /**
   * Refuses a private key that could leave the token: it must be sensitive and not extractable, and
   * have been so since it was made.
   */
  static void checkKeptInside(Session s, NativeLong privateKey, String what)
      throws Pkcs11Exception {
    if (!protection(s, privateKey).equals(List.of(true, false, true, true))) {
      throw new Pkcs11Exception(
          what
              + " could leave the token (it must be CKA_SENSITIVE and not CKA_EXTRACTABLE, and"
              + " always have been); make a new one in the token: warden keys rotate");
    }
  }

  /**
   * CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE of {@code
   * privateKey}, as the token holds them.
   */
  static List<Boolean> protection(Session s, NativeLong privateKey) throws Pkcs11Exception {
    Templates t =
        new Templates()
            .read(Ck.CKA_SENSITIVE, 1)
            .read(Ck.CKA_EXTRACTABLE, 1)
            .read(Ck.CKA_ALWAYS_SENSITIVE, 1)
            .read(Ck.CKA_NEVER_EXTRACTABLE, 1);
    s.read(privateKey, t);
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      byte[] v = t.value(i);
      out.add(v.length == 1 && v[0] != 0);
    }
    return out;
  }

  /** Removes a key pair (a rotation that could not be logged). */
  static void destroy(Session s, String label, byte[] id) throws Pkcs11Exception {
    s.destroy(privateKey(s, label, id));
    for (NativeLong pub :
        s.find(
            new Templates()
                .ulong(Ck.CKA_CLASS, Ck.CKO_PUBLIC_KEY)
                .text(Ck.CKA_LABEL, label)
                .bytes(Ck.CKA_ID, id))) {
      s.destroy(pub);
    }
  }
}
