"""fnplan: declarative plan/apply for serverless systems."""

__version__ = "0.1.0"
