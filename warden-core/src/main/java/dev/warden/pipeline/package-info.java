/** The decision pipeline: the stages every agent request passes, in one place. */
@NullMarked
package dev.warden.pipeline;

import org.jspecify.annotations.NullMarked;
