package dev.warden.server.pkcs11;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;

/**
 * The Cryptoki functions Warden calls (PKCS#11 v2.40 / v3.0 §5), as the library exports them.
 * {@code CK_ULONG} and the handles built on it are C {@code unsigned long}: {@link NativeLong};
 * {@code CK_BBOOL} is a byte. Templates and mechanisms are laid out by {@link Templates}.
 */
interface Cryptoki extends Library {
  NativeLong C_Initialize(Pointer initArgs);

  NativeLong C_GetSlotList(byte tokenPresent, NativeLong[] slots, NativeLongByReference count);

  NativeLong C_GetTokenInfo(NativeLong slot, Pointer info);

  NativeLong C_OpenSession(
      NativeLong slot,
      NativeLong flags,
      Pointer application,
      Pointer notify,
      NativeLongByReference session);

  NativeLong C_CloseSession(NativeLong session);

  NativeLong C_Login(NativeLong session, NativeLong userType, byte[] pin, NativeLong pinLength);

  NativeLong C_Logout(NativeLong session);

  NativeLong C_SetPIN(
      NativeLong session, byte[] oldPin, NativeLong oldLength, byte[] newPin, NativeLong newLength);

  NativeLong C_FindObjectsInit(NativeLong session, Pointer template, NativeLong count);

  NativeLong C_FindObjects(
      NativeLong session, NativeLong[] objects, NativeLong max, NativeLongByReference count);

  NativeLong C_FindObjectsFinal(NativeLong session);

  NativeLong C_GetAttributeValue(
      NativeLong session, NativeLong object, Pointer template, NativeLong count);

  NativeLong C_SignInit(NativeLong session, Pointer mechanism, NativeLong key);

  NativeLong C_Sign(
      NativeLong session,
      byte[] data,
      NativeLong dataLength,
      byte[] signature,
      NativeLongByReference signatureLength);

  NativeLong C_GenerateKeyPair(
      NativeLong session,
      Pointer mechanism,
      Pointer publicTemplate,
      NativeLong publicCount,
      Pointer privateTemplate,
      NativeLong privateCount,
      NativeLongByReference publicKey,
      NativeLongByReference privateKey);

  NativeLong C_DestroyObject(NativeLong session, NativeLong object);
}
