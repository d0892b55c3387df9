"""Maps the top-level providers/ directory onto the fnplan.providers package (pyproject holds the rest)."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["fnplan", "fnplan.*"]),
        "fnplan.providers",
        *(f"fnplan.providers.{name}" for name in find_packages("providers")),
    ],
)
