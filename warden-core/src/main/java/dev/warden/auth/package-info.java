/** Agent authentication: RFC 9421 signatures, keys, freshness. */
@NullMarked
package dev.warden.auth;

import org.jspecify.annotations.NullMarked;
