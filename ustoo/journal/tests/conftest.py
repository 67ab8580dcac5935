"""The journal's tests keep its authority in a directory of their own: the data directory's is the
local site's."""

import pytest


@pytest.fixture(scope="session")
def authority_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("authority") / "authority"
