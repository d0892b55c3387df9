"""Maps the top-level providers/, modules/ and examples/ directories onto fnplan.providers,
fnplan.builtin_modules and fnplan.examples (pyproject.toml holds everything else)."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["fnplan", "fnplan.*"]),
        "fnplan.providers",
        *(f"fnplan.providers.{name}" for name in find_packages("providers")),
        "fnplan.builtin_modules",
        "fnplan.examples",
    ],
)
