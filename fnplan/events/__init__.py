"""Events and triggers on this machine: `fnplan emit`, completion triggers and `fnplan serve`.

Submodules are imported where they are used (cloudevents, cronsim and prometheus-client are
not needed by `fnplan --version`): cloudevent (building and parsing CloudEvents), dispatch
(matching triggers and running their targets), schedule (cron), metrics (Prometheus), dedup
(repeated CloudEvents) and, behind `fnplan serve`: server (what requests and schedules start),
routes (the Starlette app), security (Host/Origin/token/body-limit checks) and runner
(Uvicorn and the cron loop).
"""
