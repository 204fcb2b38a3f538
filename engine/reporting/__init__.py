"""Reporting: the metrics (rollups over the store's read model), the emulation evaluation (scoring,
pure), the monthly report's data, and its HTML, XLSX and JSON forms; a workflow's description."""
