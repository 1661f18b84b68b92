/**
 * The agent side of Warden: an agent's credentials and key file ({@link
 * dev.warden.client.AgentCredentials}) and a client that signs every request it sends ({@link
 * dev.warden.client.WardenClient}). Executors that act on an agent's behalf verify its warrants
 * with {@link dev.warden.client.warrant}.
 */
@NullMarked
package dev.warden.client;

import org.jspecify.annotations.NullMarked;
