/** Idempotency-Key handling (SPEC §4). */
@NullMarked
package dev.warden.idempotency;

import org.jspecify.annotations.NullMarked;
