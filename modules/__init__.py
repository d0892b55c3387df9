"""Built-in fnplan modules (`source = "fnplan/NAME"`), shipped with the package as data."""
