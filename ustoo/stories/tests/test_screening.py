"""Screening works on its own: nothing another app does at start-up can turn it off."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_a_fresh_process_screens_before_any_app_has_started():
    """Screening once depended on moderation registering its detectors at start-up, and reported
    "identifies nobody" until then: a story naming someone went through unflagged."""
    code = (
        "from ustoo.stories.screening import screen\n"
        "found = screen('It was my manager, John Miller. I want to die.')\n"
        "print([finding.text for finding in found.findings], found.identifies_someone, found.urgent)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ustoo.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "['John Miller'] True True"
