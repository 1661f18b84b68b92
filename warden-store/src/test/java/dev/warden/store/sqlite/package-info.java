@NullMarked
package dev.warden.store.sqlite;

import org.jspecify.annotations.NullMarked;
