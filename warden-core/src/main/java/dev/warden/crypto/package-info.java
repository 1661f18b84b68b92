/** Digests, Warden's own keys and the files they live in. */
@NullMarked
package dev.warden.crypto;

import org.jspecify.annotations.NullMarked;
