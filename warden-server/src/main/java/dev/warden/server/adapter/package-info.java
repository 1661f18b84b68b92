/**
 * Execution adapters (SPEC §9): what Warden does for an action after its allow entry is durable.
 *
 * <p>{@link dev.warden.server.adapter.Adapters#load} reads the {@code adapters:} and {@code
 * secrets:} sections of {@code warden.yaml} strictly into {@link
 * dev.warden.server.adapter.AdapterConfig}s (type {@code none} or {@code http}) and a {@link
 * dev.warden.server.adapter.SecretStore}; {@link dev.warden.server.adapter.Adapters#forAction}
 * picks the adapter for an action; {@link dev.warden.server.adapter.HttpAdapter#execute} makes the
 * one upstream HTTP request of an {@code http} adapter and returns an {@link
 * dev.warden.server.adapter.Outcome}. Secret values go into outgoing request headers and nowhere
 * else.
 */
@NullMarked
package dev.warden.server.adapter;

import org.jspecify.annotations.NullMarked;
