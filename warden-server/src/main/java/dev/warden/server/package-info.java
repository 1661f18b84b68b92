/** The Warden server: configuration, data directory, wiring and lifecycle. */
@NullMarked
package dev.warden.server;

import org.jspecify.annotations.NullMarked;
