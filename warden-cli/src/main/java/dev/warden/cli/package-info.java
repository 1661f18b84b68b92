/** The {@code warden} command line (picocli). */
@NullMarked
package dev.warden.cli;

import org.jspecify.annotations.NullMarked;
