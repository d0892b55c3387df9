"""HCL sources the formatter tests run over: the language corpus, the examples and modules."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO

USER_FACING: list[Path] = sorted(
    [*(REPO / "examples").rglob("*.hcl"), *(REPO / "modules").rglob("*.hcl")]
)
HCL_FILES: list[Path] = sorted((REPO / "tests" / "language" / "corpus").glob("*.hcl")) + USER_FACING

MESSY = b"""

# header comment
variable   "env"{
default="dev"   # the env
    description  =   "x"       // desc
}



locals {

  a=1
  bbbb  =  [1,2,3]
  c = {x=1,"y":2}
  d = [
  1,
      2,
   ]
  e = -1 + x -1
  f=foo( 1 , xs ... )
  g = [for k,v in m: k if v]
  h = <<-EOT
     keep   me
  EOT
  i = a . b [0] .c[*].d
  j = !true
  k = [{
    a = 1
  }, {
    b = 2
  }]
  long_name = 1 /* inline */

}
/* block
   comment
*/
fn "a" "b" { x = 1 }
"""

MESSY_FORMATTED = b"""# header comment
variable "env" {
  default     = "dev" # the env
  description = "x"   // desc
}

locals {
  a    = 1
  bbbb = [1, 2, 3]
  c    = { x = 1, "y": 2 }
  d = [
    1,
    2,
  ]
  e = -1 + x - 1
  f = foo(1, xs...)
  g = [for k, v in m : k if v]
  h = <<-EOT
     keep   me
  EOT
  i = a.b[0].c[*].d
  j = !true
  k = [{
    a = 1
  }, {
    b = 2
  }]
  long_name = 1 /* inline */
}
/* block
   comment
*/
fn "a" "b" { x = 1 }
"""
