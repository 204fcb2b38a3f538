"""The main job: a realistic province year in a fresh SQLite database, then every report.

``run_demo`` builds ``OUT/thamdinh.db``, loads the sample organisation and simulates the 2024 movement
period (01/02/2024 – 31/01/2025) day by day (engine.demo.plans, engine.demo.simulate); the year's
reminders and digests land as .eml files in ``OUT/thu-di``; the monthly report of every campaign month
(HTML, XLSX, JSON) and the year-end evaluation go to ``OUT/bao-cao``.
"""

from .plans import make_plans
from .run import run_demo

__all__ = ["make_plans", "run_demo"]
