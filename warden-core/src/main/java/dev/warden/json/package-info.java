/**
 * Strict JSON at the trust boundary and RFC 8785 canonical JSON.
 *
 * <p>{@link dev.warden.json.StrictJson} turns untrusted bytes into a tree or refuses them with a
 * {@link dev.warden.json.JsonRejected} that names the reason, the place (a JSON Pointer) and, for a
 * limit, the setting that changes it. {@link dev.warden.json.Canonical} writes a tree in the RFC
 * 8785 (JCS) form that Warden hashes and signs. Every tree {@code StrictJson} returns can be
 * canonicalized.
 */
@NullMarked
package dev.warden.json;

import org.jspecify.annotations.NullMarked;
