@NullMarked
package dev.warden.store.postgresql;

import org.jspecify.annotations.NullMarked;
