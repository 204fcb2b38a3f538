"""The pure domain: time and the working-day calendar, workflow definitions as a data model, stage
clocks, the organisation, commands (what a person asks for) and events (what happened), alert rules,
movements and the Vietnamese formatting of numbers and dates.

Nothing here reads a file, a database or the network.
"""
