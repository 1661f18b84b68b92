/**
 * Warden's checkpoint and receipt keys in a PKCS#11 token (an HSM; SoftHSM2 in tests): Ed25519
 * (CKM_EDDSA) through a small JNA binding of the Cryptoki functions Warden calls. The private key
 * is generated in the token, sensitive and not extractable, and never leaves it.
 */
@NullMarked
package dev.warden.server.pkcs11;

import org.jspecify.annotations.NullMarked;
