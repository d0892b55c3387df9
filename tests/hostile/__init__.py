"""The hostile-input suite: every way a configuration can try to escape or exhaust fnplan.

Each case writes a small project (under tmp/outer/a/b/project, so that `../` names have
somewhere to land), runs the real `fnplan` command (validate and, where the defect showed only
later, plan/apply/run) and asserts through `Hostile.refused`:

- exit code 1 and no traceback ("internal error" is a bug, not an answer);
- exactly one `error:` line, starting with the offending `file:line:column` where there is one,
  and a short message (no recursive-copy dumps);
- nothing written outside the project directory: the whole tmp tree around the project is
  snapshotted before and compared after.

Issue 7 sections 3 (names and paths cannot escape) and 5 (limits with clear errors):

- test_names.py: block labels are identifiers of at most 64 characters (every block kind, HCL
  and YAML, provider aliases), built-in module sources name only built-in modules, addresses
  composed through modules stay within file-name limits, `file()` takes plan-time paths only;
- test_sources.py: symbolic links in function sources (only relative links to files inside
  the tree, deployed and hashed as that content; all others refused), sources holding or
  inside the project's `.fnplan/`, sources outside the project (a warning);
- test_limits.py: expression nesting depth, YAML nesting and alias expansion, comments inside
  expressions, duplicate object keys, cron expressions, and hostile `run --input` (nested too
  deep, non-finite numbers, a NUL byte bound for a process environment).
"""
