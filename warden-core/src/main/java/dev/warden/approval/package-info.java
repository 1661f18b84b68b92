/** Human approval of escalated decisions (SPEC §8). */
@NullMarked
package dev.warden.approval;

import org.jspecify.annotations.NullMarked;
