"""The journal's tests keep its authority and attachments in directories of their own: the data
directory's are the local site's."""

import pytest
from django.conf import settings as django_settings

from ustoo.journal.tests.protocol import Writer


@pytest.fixture(scope="session")
def authority_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("authority") / "authority"


@pytest.fixture(autouse=True)
def _journal_directories(settings, authority_dir, tmp_path):
    settings.JOURNAL_AUTHORITY_DIR = authority_dir
    settings.STORAGES = {
        **django_settings.STORAGES,
        "journal_attachments": {
            **django_settings.STORAGES["journal_attachments"],
            "OPTIONS": {
                **django_settings.STORAGES["journal_attachments"]["OPTIONS"],
                "location": tmp_path / "attachments",
            },
        },
    }


@pytest.fixture
def attachments_dir(tmp_path):
    return tmp_path / "attachments"


@pytest.fixture
def writer(db) -> Writer:
    return Writer().create()
