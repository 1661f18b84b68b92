package dev.warden.server.pkcs11;

/** The Cryptoki constants Warden uses (PKCS#11 v3.0 {@code pkcs11t.h}). */
final class Ck {
  static final long CKF_OS_LOCKING_OK = 0x2;
  static final long CKF_RW_SESSION = 0x2;
  static final long CKF_SERIAL_SESSION = 0x4;
  static final long CKU_USER = 1;

  static final long CKO_PUBLIC_KEY = 2;
  static final long CKO_PRIVATE_KEY = 3;
  static final long CKK_EC_EDWARDS = 0x40;

  static final long CKA_CLASS = 0x0;
  static final long CKA_TOKEN = 0x1;
  static final long CKA_PRIVATE = 0x2;
  static final long CKA_LABEL = 0x3;
  static final long CKA_KEY_TYPE = 0x100;
  static final long CKA_ID = 0x102;
  static final long CKA_SENSITIVE = 0x103;
  static final long CKA_SIGN = 0x108;
  static final long CKA_VERIFY = 0x10A;
  static final long CKA_EXTRACTABLE = 0x162;
  static final long CKA_NEVER_EXTRACTABLE = 0x164;
  static final long CKA_ALWAYS_SENSITIVE = 0x165;
  static final long CKA_EC_PARAMS = 0x180;
  static final long CKA_EC_POINT = 0x181;

  static final long CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
  static final long CKM_EDDSA = 0x1057;

  static final long CKR_OK = 0x0;
  static final long CKR_USER_ALREADY_LOGGED_IN = 0x100;
  static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;

  private Ck() {}

  /** The name of a return value, for messages: {@code CKR_PIN_INCORRECT (0xa0)}. */
  static String name(long rv) {
    String name =
        switch ((int) rv) {
          case 0x3 -> "CKR_SLOT_ID_INVALID";
          case 0x5 -> "CKR_GENERAL_ERROR";
          case 0x6 -> "CKR_FUNCTION_FAILED";
          case 0x7 -> "CKR_ARGUMENTS_BAD";
          case 0x11 -> "CKR_ATTRIBUTE_SENSITIVE";
          case 0x12 -> "CKR_ATTRIBUTE_TYPE_INVALID";
          case 0x13 -> "CKR_ATTRIBUTE_VALUE_INVALID";
          case 0x30 -> "CKR_DEVICE_ERROR";
          case 0x31 -> "CKR_DEVICE_MEMORY";
          case 0x32 -> "CKR_DEVICE_REMOVED";
          case 0x60 -> "CKR_KEY_HANDLE_INVALID";
          case 0x70 -> "CKR_MECHANISM_INVALID";
          case 0x82 -> "CKR_OBJECT_HANDLE_INVALID";
          case 0xA0 -> "CKR_PIN_INCORRECT";
          case 0xA4 -> "CKR_PIN_LOCKED";
          case 0xB0 -> "CKR_SESSION_CLOSED";
          case 0xB3 -> "CKR_SESSION_HANDLE_INVALID";
          case 0xD1 -> "CKR_TEMPLATE_INCONSISTENT";
          case 0xE0 -> "CKR_TOKEN_NOT_PRESENT";
          case 0xE1 -> "CKR_TOKEN_NOT_RECOGNIZED";
          case 0x101 -> "CKR_USER_NOT_LOGGED_IN";
          case 0x130 -> "CKR_DOMAIN_PARAMS_INVALID";
          case 0x140 -> "CKR_CURVE_NOT_SUPPORTED";
          case 0x150 -> "CKR_BUFFER_TOO_SMALL";
          case 0x190 -> "CKR_CRYPTOKI_NOT_INITIALIZED";
          default -> "CKR";
        };
    return name + " (0x" + Long.toHexString(rv) + ")";
  }
}
