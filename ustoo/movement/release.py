"""Released reports: the aggregates an operator chose to show on /movement, written ahead of time.

The page reads these files and never the store, so a request never scans posts (and the store may live on
another machine). A report holds only counts: no handle, no text, no author hash.
"""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def folder() -> Path:
    return Path(settings.DATA_DIR) / "movement" / "released"


def _path(dataset: str) -> Path:
    return folder() / (_UNSAFE.sub("-", dataset).strip(".-") + ".json")


def publish(report: dict) -> Path:
    path = _path(report["dataset"])
    path.parent.mkdir(parents=True, exist_ok=True)
    released = {**report, "released_at": datetime.now(UTC).isoformat(timespec="seconds")}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(released, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)  # readers never see half a file
    return path


def withdraw(dataset: str) -> None:
    _path(dataset).unlink(missing_ok=True)


def released() -> list[dict]:
    if not folder().is_dir():
        return []
    reports = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder().glob("*.json"))]
    return sorted(reports, key=lambda report: report.get("released_at", ""), reverse=True)


def released_report(dataset: str) -> dict | None:
    path = _path(dataset)
    if not path.is_file():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    return report if report.get("dataset") == dataset else None  # two names may share a file name
