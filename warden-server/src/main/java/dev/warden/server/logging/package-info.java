/** Logging: JSON or text lines with secrets redacted, whatever the code hands the logger. */
@NullMarked
package dev.warden.server.logging;

import org.jspecify.annotations.NullMarked;
