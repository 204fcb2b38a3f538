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


def readme_commands(section: str) -> list[list[str]]:
    """The commands of the first ``sh`` block under ``section`` in the README, as argument lists."""
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(section):].split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line, comments=True) for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def test_the_readme_everyday_commands_work_as_typed_from_any_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(ROOT)], check=True, timeout=300)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(next(dist.glob("thamdinh-*.whl")))], check=True, timeout=300)
    folder = tmp_path / "mot-thu-muc-bat-ky"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("THAMDINH_")}
    env.update(PYTHONPATH=str(target), PYTHONIOENCODING="utf-8", THAMDINH_CACHE_DIR=str(tmp_path / "cache"))
    commands = readme_commands("## Everyday use")
    assert len(commands) >= 12
    for args in commands:
        if args[0] == "export":
            name, _, value = args[1].partition("=")
            env[name] = value
            continue
        assert args[0] == "thamdinh", args
        done = subprocess.run([sys.executable, "-m", "engine.cli", *args[1:]], cwd=folder, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    shown = subprocess.run([sys.executable, "-m", "engine.cli", "show", "BCNCKT-2024-101", "--json"], cwd=folder,
                           env=env, capture_output=True, text=True, encoding="utf-8", timeout=60, check=True)
    view = json.loads(shown.stdout)
    assert (view["state"], view["officer"]) == ("approved", "cv.duong")
    assert all(c["outcome"] == "early" for c in view["clocks"])
    assert (folder / "thamdinh.db").exists() and (folder / "lich-su.csv").exists()
