"""thamdinh: appraisal dossiers of a Department of Construction as durable state machines.

Nothing is imported or connected at import time; ``engine.bootstrap`` is the composition root and
``docs/architecture.md`` walks through the layers.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("thamdinh")
except PackageNotFoundError:  # a checkout that was not installed
    __version__ = "0.0.0"
