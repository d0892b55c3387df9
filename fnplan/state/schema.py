"""`python -m fnplan.state.schema [DIR]` regenerates schemas/state.schema.json from State."""

from __future__ import annotations

import sys

from fnplan import schemas

if __name__ == "__main__":
    schemas.main(sys.argv[1:], ["state.schema.json"])
