"""thamdinh: appraisal dossiers of a Department of Construction as durable state machines.

Nothing is imported or connected at import time; see :mod:`engine.app` for the composition root.
"""

__version__ = "0.1.0"
