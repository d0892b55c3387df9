"""The expression language (HCL expressions): AST, parser of expression text, partial
evaluator, printer, reference finder and function library."""

from fnplan.expr.ast import Expr
from fnplan.expr.evaluate import evaluate
from fnplan.expr.functions import FUNCTIONS
from fnplan.expr.parse import parse_expression, parse_template
from fnplan.expr.references import Reference, references
from fnplan.expr.source import to_source
from fnplan.expr.values import Residual, Traversable, is_residual

__all__ = [
    "FUNCTIONS",
    "Expr",
    "Reference",
    "Residual",
    "Traversable",
    "evaluate",
    "is_residual",
    "parse_expression",
    "parse_template",
    "references",
    "to_source",
]
