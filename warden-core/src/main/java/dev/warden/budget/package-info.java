/**
 * Budgets and quotas (SPEC §6): calendar {@link dev.warden.budget.Window}s, {@link
 * dev.warden.budget.Money} in integer minor units, and the {@link dev.warden.budget.Ledger} that
 * reserves, commits and releases them through the storage SPI so that concurrent requests never
 * overspend.
 */
@NullMarked
package dev.warden.budget;

import org.jspecify.annotations.NullMarked;
