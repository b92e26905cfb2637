"""The house rules that keep cloudtwin easy to change, checked on every run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "cloudtwin"
ROOT = SRC.parents[1]


def test_import_contracts_hold() -> None:
    """import-linter: arrows point down, engines are cloud-neutral, faces never touch storage."""
    result = subprocess.run([sys.executable, "-m", "importlinter.cli", "--config", str(ROOT / "pyproject.toml")],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0 and "No module named" in result.stderr:
        result = subprocess.run(["lint-imports", "--config", str(ROOT / "pyproject.toml")],
                                capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


_WALL_CLOCK = re.compile(r"\btime\.time\(\)|datetime\.now\(|datetime\.utcnow\(|\btime\.monotonic\(\)")


def test_time_comes_only_from_the_clock() -> None:
    """Engines and faces read time from the Clock they are given, never from the wall."""
    offenders = []
    for path in list((SRC / "engines").rglob("*.py")) + list((SRC / "aws").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if _WALL_CLOCK.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


_CLOUD_WORDS = re.compile(r"\b(botocore|boto3|arn:aws|amazonaws|x-ms-|AWS::)", re.IGNORECASE)


def test_engines_name_no_cloud() -> None:
    offenders = []
    for path in (SRC / "engines").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if _CLOUD_WORDS.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_strict_types_where_the_house_asks_for_them() -> None:
    """mypy --strict over engines, protocols, storage and the clock (STYLE.md)."""
    targets = [str(SRC / name) for name in ("engines", "protocols", "storage", "clock.py")]
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports", *targets],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
