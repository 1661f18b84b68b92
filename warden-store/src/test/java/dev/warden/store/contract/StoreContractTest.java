package dev.warden.store.contract;

import dev.warden.store.Store;
import dev.warden.store.StoreException;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract, run against one implementation: extend this class and implement {@link
 * #newStore}. Each test gets a fresh database in its own directory.
 *
 * <p>The tests treat instants around 2000 as long past and around 2100 as far ahead, so the store
 * must run on the real clock (it uses its clock to let an expired nonce or idempotency key be taken
 * again). Instants in the tests are whole milliseconds.
 */
public abstract class StoreContractTest
    implements AgentStoreContract,
        TokenStoreContract,
        PolicyStoreContract,
        ApprovalStoreContract,
        ExecutionStoreContract,
        LogStoreContract,
        TreeStoreContract,
        LogExpiryContract,
        LogConcurrencyContract,
        UsageStoreContract,
        UsageConcurrencyContract,
        UsageLedgerPropertyContract,
        LifecycleContract {

  @TempDir private Path dir;
  private @Nullable Store store;

  /**
   * Opens the store kept in {@code dir}, creating it if it does not exist. Called again with the
   * same directory after {@link Store#close}, it must open the same data.
   */
  protected abstract Store newStore(Path dir) throws StoreException;

  @BeforeEach
  final void openStore() throws StoreException {
    store = newStore(dir);
  }

  @AfterEach
  final void closeStore() {
    if (store != null) {
      store.close();
      store = null;
    }
  }

  @Override
  public final Store store() {
    return Objects.requireNonNull(store, "store");
  }

  @Override
  public final Store reopen() throws StoreException {
    closeStore();
    store = newStore(dir);
    return store;
  }

  @Override
  public final Path storeDir() {
    return dir;
  }
}
