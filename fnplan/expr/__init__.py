"""The expression language (HCL expressions): AST, parser, evaluator, function library.

TEAM NOTE for the engineer building this package (syntax layer, "engineer A") — read
/tmp/common.md (team ground rules: do not git commit/add; use /tmp/v; tests in tests/language/)
and /tmp/task-A.md (the exact API other engineers are coding against) before writing code.
Replace this note with a real docstring when done.
"""
