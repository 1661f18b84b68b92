/**
 * The contract every {@link dev.warden.store.Store} implementation must pass: extend {@link
 * dev.warden.store.contract.StoreContractTest} and say how to open a store. Packaged in
 * warden-store's test jar so that other implementations can run it.
 */
@NullMarked
package dev.warden.store.contract;

import org.jspecify.annotations.NullMarked;
