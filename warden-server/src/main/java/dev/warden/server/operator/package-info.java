/** Operator tokens: issuing, hashing, checking scopes in constant time. */
@NullMarked
package dev.warden.server.operator;

import org.jspecify.annotations.NullMarked;
