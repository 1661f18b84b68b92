/**
 * JMH benchmarks of Warden's in-process parts (SPEC §19), built into {@code
 * warden-bench/target/benchmarks.jar}; see {@code warden-bench/README.md} for how to run them.
 */
@NullMarked
package dev.warden.bench;

import org.jspecify.annotations.NullMarked;
