"""The runtime: a workflow definition compiled into one shared ``transitions`` machine, applied to a
dossier given the event, the actor's roles and the day. It does no I/O and returns everything that
happened as a ``Step`` (the new state, the clocks to insert and update, typed events)."""
