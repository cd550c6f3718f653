import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect API (SQLite) for the whole flow-test session."""
    with prefect_test_harness(server_startup_timeout=90):
        yield
