package dev.warden.store.contract;

import dev.warden.store.Store;
import dev.warden.store.StoreException;
import java.nio.file.Path;

/** What the contract tests need from {@link StoreContractTest}: the store under test. */
public interface ContractFixture {

  /** The store opened for this test. */
  Store store();

  /** Closes the store and opens the same database again, as a restart would. */
  Store reopen() throws StoreException;

  /** This test's private directory. */
  Path storeDir();
}
