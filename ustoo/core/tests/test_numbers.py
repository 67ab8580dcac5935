"""Counts people read are grouped the way their language writes them, by Django's `intcomma`."""

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "1,234,567"), ("fr", "1\u202f234\u202f567")],  # French: narrow no-break spaces
)
def test_intcomma_groups_thousands_in_the_readers_language(language, shown):
    template = Template("{% load humanize %}{{ count|intcomma }}")
    with translation.override(language):
        assert template.render(Context({"count": 1234567})) == shown
