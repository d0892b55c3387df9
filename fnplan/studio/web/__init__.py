"""The web studio `fnplan serve --ui` serves under /ui/: every workflow drawn from its laid-out
graph, edited through graph operations, the current plan's graph diffs, and runs followed
live. Its page is plain JavaScript, CSS and SVG shipped in this package (static/): nothing is
fetched from elsewhere and nothing needs installing."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fnplan.studio.web.routes import Studio
    from fnplan.workspace import Workspace


def open_studio(workspace: Workspace) -> Studio:
    """The studio of the project in `workspace` (close it to wait for the runs it started)."""
    from fnplan.studio.web.project import StudioProject
    from fnplan.studio.web.routes import Studio
    from fnplan.studio.web.runs import StudioRuns

    return Studio(StudioProject(workspace), StudioRuns(workspace), threading.Event())
