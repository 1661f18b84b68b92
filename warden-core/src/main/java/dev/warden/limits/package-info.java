/** The limits Warden enforces on every request, as one immutable object. */
@NullMarked
package dev.warden.limits;

import org.jspecify.annotations.NullMarked;
