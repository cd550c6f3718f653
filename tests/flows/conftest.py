import pytest
from prefect.testing.utilities import prefect_test_harness

# The server records task runs in batches: written one event at a time (Prefect's default),
# its SQLite writes lock out the `warehouse` slot's, and each collision costs the client a
# 2 s retry, once per file a flow loads.
BATCHED_TASK_RUNS = ("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE", "100")


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect API (SQLite) for the whole flow-test session."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(*BATCHED_TASK_RUNS)
        with prefect_test_harness(server_startup_timeout=90):
            yield
