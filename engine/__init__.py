"""thamdinh: appraisal dossiers of a Department of Construction as durable state machines.

Nothing is imported or connected at import time; ``engine.bootstrap`` is the composition root and
``docs/architecture.md`` walks through the layers. ``engine.__version__`` is read from the installed
package's metadata (the version is written once, in pyproject.toml), on first use.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("thamdinh")
        except PackageNotFoundError:  # a checkout that was not installed
            return "0.0.0"
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
