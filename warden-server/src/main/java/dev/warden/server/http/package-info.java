/** HTTP endpoints and the one place where refusals become RFC 9457 problems. */
@NullMarked
package dev.warden.server.http;

import org.jspecify.annotations.NullMarked;
