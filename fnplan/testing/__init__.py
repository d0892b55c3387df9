"""Helpers for the tests of fnplan and of its providers; `fnplan.testing.providers` is the
provider conformance kit (docs/providers/protocol.md, "Conformance kit")."""
