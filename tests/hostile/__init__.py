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
  and YAML, provider aliases), built-in module sources name only built-in modules, composed
  paths stay within file-system limits;
- test_sources.py: function sources with symlinks (hashed and stored as links, refused when
  they point outside), sources holding the project's `.fnplan/`, sources outside the project;
- test_limits.py: expression nesting depth, YAML alias expansion, comments inside expressions,
  duplicate object keys, cron expressions.
"""
