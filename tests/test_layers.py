"""The apps depend one way (pyproject.toml, [tool.importlinter]): an import against the order
fails the suite, not only a separate lint step."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]


def lint_imports():
    return subprocess.run(
        [*LINT_IMPORTS, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_imports_follow_the_layers():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_forbidden_import_is_caught():
    """The check is real: a feature app importing one above it breaks the contract."""
    bad = ROOT / "initiatives" / "_layer_probe.py"
    bad.write_text("import matching.models  # noqa: F401\n")
    try:
        result = lint_imports()
    finally:
        bad.unlink()
    assert result.returncode != 0
    assert "initiatives._layer_probe -> matching.models" in result.stdout
