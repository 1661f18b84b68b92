/** {@code warden doctor}: checks a data directory and its server the way an operator would. */
@NullMarked
package dev.warden.server.doctor;

import org.jspecify.annotations.NullMarked;
