"""The house rules, checked by tools: imports one way (import-linter), lint with a complexity ceiling
(ruff), strict types on the pure layers and the runtime (mypy), and rooms of readable size."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CODE = [ROOT / "engine", ROOT / "notifications"]
MODULE_MAX, FUNCTION_MAX = 300, 60


def _sources() -> list[Path]:
    return [p for folder in CODE for p in sorted(folder.rglob("*.py")) if "migrations" not in p.parts]


def _tool(name: str) -> str:
    found = BIN / name
    if not found.exists():
        which = shutil.which(name)
        assert which, f"{name} is required by the test suite (pip install -e '.[test]')"
        return which
    return str(found)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_the_layers_import_one_way_and_no_package_has_a_cycle() -> None:
    out = _run(_tool("lint-imports"), "--no-cache")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_ruff_is_clean_with_a_complexity_ceiling_of_10() -> None:
    out = _run(_tool("ruff"), "check", "engine", "notifications", "bench", "tests")
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_pure_layers_and_the_runtime_type_check_strictly_and_the_rest_plainly() -> None:
    strict = _run(_tool("mypy"), "--strict", "engine/domain", "engine/runtime", "engine/io")
    assert strict.returncode == 0, strict.stdout + strict.stderr
    plain = _run(_tool("mypy"), "engine", "notifications")
    assert plain.returncode == 0, plain.stdout + plain.stderr


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_stays_readable(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MODULE_MAX, f"{path.relative_to(ROOT)}: over {MODULE_MAX} lines"
    tree = ast.parse(text)
    assert ast.get_docstring(tree) or path.name in ("__main__.py",), f"{path.relative_to(ROOT)}: no docstring"
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= FUNCTION_MAX, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines"


def test_the_version_is_written_in_one_place() -> None:
    import engine

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{engine.__version__}"' in text
    assert not any("__version__ =" in p.read_text(encoding="utf-8") and '"0.1.0"' in p.read_text(encoding="utf-8")
                   for p in _sources())
