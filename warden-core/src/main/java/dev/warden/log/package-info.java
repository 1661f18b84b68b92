/** The log: entry format (RFC 8785 canonical JSON), RFC 6962 Merkle hashing, and group commit. */
@NullMarked
package dev.warden.log;

import org.jspecify.annotations.NullMarked;
