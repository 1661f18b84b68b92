/**
 * The agent side of Warden: an agent's credentials and key file ({@link
 * dev.warden.client.AgentCredentials}) and a client that signs every request it sends ({@link
 * dev.warden.client.WardenClient}).
 */
@NullMarked
package dev.warden.client;

import org.jspecify.annotations.NullMarked;
