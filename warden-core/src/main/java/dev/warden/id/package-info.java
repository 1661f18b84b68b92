/** Identifiers: ULIDs for decisions. */
@NullMarked
package dev.warden.id;

import org.jspecify.annotations.NullMarked;
