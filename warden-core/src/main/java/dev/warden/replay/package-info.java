/** The replay guard: each nonce is accepted once per agent inside the freshness window. */
@NullMarked
package dev.warden.replay;

import org.jspecify.annotations.NullMarked;
