"""`make audit` (scripts/audit): fails on a known vulnerability, and says plainly when it could audit
nothing because no vulnerability database could be reached, without failing for that."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _stand_in(folder: Path, name: str, answers: dict[str, object]) -> Path:
    """A pip-audit that writes, for each --vulnerability-service, the report given (None: unreachable)."""
    script = folder / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"answers = {json.dumps(answers)}\n"
        "args = sys.argv[1:]\n"
        "service = args[args.index('--vulnerability-service') + 1]\n"
        "report = answers.get(service)\n"
        "if report is None:\n"
        "    sys.exit('ConnectionError: could not resolve the host')\n"
        "open(args[args.index('--output') + 1], 'w').write(json.dumps(report))\n"
    )
    script.chmod(0o755)
    return script


def _audit(tmp_path, pip_audit: Path, npm_answer: dict | None = None) -> subprocess.CompletedProcess:
    """scripts/audit on this project, whose package-lock.json a stand-in npm audits: clean, or
    unreachable when `npm_answer` says so."""
    npm = _npm(tmp_path, npm_answer or NPM_CLEAN, 1 if npm_answer else 0)
    return subprocess.run(
        [sys.executable, ROOT / "scripts" / "audit"],
        env={**os.environ, "PIP_AUDIT": str(pip_audit), "NPM": str(npm)},
        capture_output=True,
        text=True,
        check=False,
    )


SKIPPED = {"dependencies": [{"name": "django", "skip_reason": "Dependency not found on PyPI"}], "fixes": []}
CLEAN = {"dependencies": [{"name": "django", "version": "6.1", "vulns": []}], "fixes": []}
VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "6.1", "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["6.1.1"]}]},
        {"name": "orjson", "version": "3.10", "vulns": []},
    ],
    "fixes": [],
}


@pytest.mark.parametrize(
    "answers", [{"pypi": SKIPPED, "osv": None}, {"pypi": None, "osv": None}], ids=["pypi-empty", "offline"]
)
def test_offline_it_says_nothing_was_audited_and_does_not_fail(tmp_path, answers):
    result = _audit(tmp_path, _stand_in(tmp_path, "pip-audit", answers), NPM_OFFLINE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pip-audit: NOT AUDITED" in result.stdout and "could not be reached" in result.stdout
    assert "npm audit: NOT AUDITED" in result.stdout


def test_a_known_vulnerability_fails_and_is_named(tmp_path):
    result = _audit(tmp_path, _stand_in(tmp_path, "pip-audit", {"pypi": VULNERABLE}))
    assert result.returncode == 1
    assert "django 6.1: PYSEC-2099-1 (fixed in: 6.1.1)" in result.stdout
    assert "1 of 2 packages" in result.stdout


def test_osv_is_asked_when_pypi_answers_nothing(tmp_path):
    result = _audit(tmp_path, _stand_in(tmp_path, "pip-audit", {"pypi": SKIPPED, "osv": CLEAN}))
    assert result.returncode == 0
    assert "pip-audit (osv): 0 of 1 packages" in result.stdout
    assert "NOT AUDITED" not in result.stdout


NPM_CLEAN = {"vulnerabilities": {}, "metadata": {"vulnerabilities": {"total": 0}}}
NPM_OFFLINE = {"error": {"code": "ENOTFOUND", "summary": "request failed"}}


def _npm(folder: Path, answer: dict, code: int) -> Path:
    script = folder / "npm"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nprint({json.dumps(json.dumps(answer))})\nsys.exit({code})\n"
    )
    script.chmod(0o755)
    return script


@pytest.mark.parametrize(
    ("answer", "code", "failed", "said"),
    [
        (
            {
                "vulnerabilities": {"left-pad": {"severity": "high"}},
                "metadata": {"vulnerabilities": {"total": 1}},
            },
            1,
            True,
            "left-pad: high",
        ),
        (NPM_CLEAN, 0, False, "0 known"),
        (NPM_OFFLINE, 1, False, "NOT AUDITED"),
    ],
    ids=["vulnerable", "clean", "offline"],
)
def test_a_package_lock_is_audited_by_npm(tmp_path, answer, code, failed, said):
    """In a copy of the project with a package-lock.json, which a stand-in npm audits."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "audit").write_text((ROOT / "scripts" / "audit").read_text())
    (tmp_path / "package-lock.json").write_text("{}")
    result = subprocess.run(
        [sys.executable, tmp_path / "scripts" / "audit"],
        env={
            **os.environ,
            "PIP_AUDIT": str(_stand_in(tmp_path, "pip-audit", {"pypi": CLEAN})),
            "NPM": str(_npm(tmp_path, answer, code)),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == (1 if failed else 0), result.stdout + result.stderr
    assert said in result.stdout


def test_a_project_without_package_lock_has_no_npm_package_to_audit(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "audit").write_text((ROOT / "scripts" / "audit").read_text())
    result = subprocess.run(
        [sys.executable, tmp_path / "scripts" / "audit"],
        env={**os.environ, "PIP_AUDIT": str(_stand_in(tmp_path, "pip-audit", {"pypi": CLEAN}))},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "no package-lock.json" in result.stdout
