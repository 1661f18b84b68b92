/** Stable error codes and the request-boundary exception. */
@NullMarked
package dev.warden.error;

import org.jspecify.annotations.NullMarked;
