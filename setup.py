"""Maps the top-level providers/ and modules/ directories onto fnplan.providers and
fnplan.builtin_modules (pyproject.toml holds everything else)."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["fnplan", "fnplan.*"]),
        "fnplan.providers",
        *(f"fnplan.providers.{name}" for name in find_packages("providers")),
        "fnplan.builtin_modules",
    ],
)
