"""A built wheel carries its workflow files, templates and migrations, and works outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_installs_and_finds_its_rules_templates_and_migrations(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(ROOT)], check=True, timeout=300)
    wheel = next(dist.glob("thamdinh-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("engine/_bundled/workflows/project-appraisal.yaml",
                   "engine/_bundled/workflows/post-basic-design.yaml",
                   "engine/_bundled/workflows/calendars/vn.yaml",
                   "engine/_bundled/workflows/org/sample-department.yaml",
                   "engine/_bundled/templates/web/dossier.html",
                   "engine/store/migrations/env.py", "engine/store/migrations/versions/0001_core_schema.py"):
        assert needed in names, needed
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "THAMDINH_DATABASE_URL": f"sqlite:///{elsewhere / 'x.db'}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "engine.cli", *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=120)

    probe = subprocess.run([sys.executable, "-c", "import engine; print(engine.__file__)"], cwd=elsewhere,
                           env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(target))
    listed = run("workflow", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {w["id"] for w in json.loads(listed.stdout)} >= {"project-appraisal", "post-basic-design"}
    assert run("init").returncode == 0
    org = run("org", "load", str(target / "engine/_bundled/workflows/org/sample-department.yaml"), "--json")
    assert org.returncode == 0, org.stderr
    assert json.loads(org.stdout)["divisions"] == 4
