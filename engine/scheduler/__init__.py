"""The scheduler: APScheduler 3.11 as a tick with a lease; it computes, the loop only waits."""
