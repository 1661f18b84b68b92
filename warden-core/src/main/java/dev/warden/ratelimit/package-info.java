/**
 * Token-bucket rate limits (SPEC §6): {@link dev.warden.ratelimit.RateLimiter} takes one token from
 * every bucket a request falls under, or from none, and {@link
 * dev.warden.ratelimit.RateLimitHeaders} turns its {@link dev.warden.ratelimit.Decision} into
 * {@code RateLimit-Policy}, {@code RateLimit} and {@code Retry-After} response fields.
 */
@NullMarked
package dev.warden.ratelimit;

import org.jspecify.annotations.NullMarked;
