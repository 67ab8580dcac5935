import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fresh_release_memory():
    # Releases are kept in each process's memory for their period; each test starts with none.
    caches["local"].clear()
    yield
    caches["local"].clear()
