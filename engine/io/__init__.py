"""Data files → domain objects: workflow definitions (validated, with province overrides merged),
working-day calendars, the organisation, movements, settings from the environment, and the shipped
templates. Every error names the file and the key or line, in Vietnamese."""
