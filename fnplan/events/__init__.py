"""Events and triggers on this machine: `fnplan emit`, completion triggers and `fnplan serve`.

Submodules are imported where they are used (cloudevents, cronsim and prometheus-client are
not needed by `fnplan --version`): cloudevent (building and parsing CloudEvents), dispatch
(matching triggers and running their targets), schedule (cron), metrics (Prometheus) and
server (the HTTP server and scheduler loop behind `fnplan serve`).
"""
